// The case so far (who did what, when), and the variables the form does not show, read-only.

import { h, fill } from '../../shared/dom';
import { formatDateTime, formatValue } from '../../shared/format';
import type { CaseDto, HistoryEntry } from '../../postkorb/api';
import { texts } from './texts';

export function historySection(caseDto: CaseDto): HTMLElement {
  const t = texts.history;
  const entries = [...caseDto.history].sort((a, b) => a.at.localeCompare(b.at));
  return h(
    'section',
    { 'aria-labelledby': 'verlauf-titel' },
    h('h2', { id: 'verlauf-titel' }, t.heading),
    entries.length === 0
      ? h('p', {}, t.empty)
      : h(
          'div',
          // A long history scrolls sideways on narrow screens: the region takes the focus so the keyboard can scroll it.
          { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'verlauf-titel' },
          h(
            'table',
            { class: 'data' },
            h('thead', {}, h('tr', {}, [t.at, t.step, t.what, t.who].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              entries.map((e) =>
                h(
                  'tr',
                  {},
                  h('td', {}, formatDateTime(e.at)),
                  h('td', {}, e.elementName || e.elementId || '–'),
                  h('td', {}, eventText(e)),
                  h('td', {}, e.userId ? (e.onBehalfOf ? fill(t.onBehalfOf, { user: e.userId, absent: e.onBehalfOf }) : e.userId) : t.system),
                ),
              ),
            ),
          ),
        ),
  );
}

// The server's detail of a task event names a person: "to NAME" (assigned by a team lead), "from NAME" (freed),
// "owner NAME" (delegated), "back to NAME" (resolved). Other entries bring their own text.
const details: [kind: string, prefix: string, text: string][] = [
  ['taskAssigned', 'to ', 'taskAssignedTo'],
  ['taskUnassigned', 'from ', 'taskUnassignedFrom'],
  ['taskDelegated', 'owner ', 'taskDelegatedBy'],
  ['taskResolved', 'back to ', 'taskResolvedBackTo'],
];

function eventText(e: HistoryEntry): string {
  const events = texts.history.events;
  for (const [kind, prefix, key] of details)
    if (e.kind === kind && e.text?.startsWith(prefix)) return fill(events[key], { user: e.text.slice(prefix.length) });
  return events[e.kind] ?? e.text ?? e.kind;
}

export function variablesSection(caseDto: CaseDto): HTMLElement {
  const t = texts.variables;
  const names = Object.keys(caseDto.variables ?? {}).sort((a, b) => a.localeCompare(b, 'de'));
  return h(
    'section',
    { 'aria-labelledby': 'variablen-titel' },
    h('h2', { id: 'variablen-titel' }, t.heading),
    h('p', { class: 'hint' }, t.hint),
    names.length === 0
      ? h('p', {}, t.empty)
      : h('dl', { class: 'facts' }, names.map((n) => [h('dt', {}, n), h('dd', {}, h('span', { class: 'value' }, formatValue(caseDto.variables[n])))])),
  );
}
