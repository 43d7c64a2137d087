// The header facts of a task: process and version, Aktenzeichen, Frist, Wiedervorlage, holder, offered to.

import { h, fill } from '../../shared/dom';
import { formatDateTime, formatDue, formatNumber, isPast } from '../../shared/format';
import type { CaseDto, TaskDto } from '../../postkorb/api';
import { holderText } from '../../postkorb/holder';
import { postkorbTexts } from '../../postkorb/texts';
import { texts } from './texts';

export function facts(task: TaskDto, caseDto: CaseDto | null, meId: string): HTMLElement {
  const t = texts.facts;
  const row = (label: string, value: Node | string) => [h('dt', {}, label), h('dd', {}, value)];
  const offered = [...task.candidateGroups, ...task.candidateUsers];
  return h(
    'dl',
    { class: 'facts', 'aria-label': t.label },
    row(t.process, fill(t.processVersion, { name: caseDto?.processName || task.processName || task.processId, version: task.processVersion })),
    row(t.businessKey, task.businessKey || caseDto?.businessKey || t.none),
    row(t.due, h('span', {}, formatDue(task.due) || t.none, isPast(task.due) ? [' ', h('span', { class: 'badge badge-overdue' }, postkorbTexts.overdue)] : null)),
    row(t.followUp, h('span', {}, formatDue(task.followUp) || t.none, isPast(task.followUp) ? [' ', h('span', { class: 'badge badge-followup' }, postkorbTexts.followUpReached)] : null)),
    row(t.holder, holderText(task, meId)),
    offered.length ? row(t.candidates, offered.join(', ')) : null,
    row(t.priority, formatNumber(task.priority)),
    row(t.created, formatDateTime(task.createdAt)),
  );
}
