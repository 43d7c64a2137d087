// Who holds a task, in words: "Sie", a colleague's name, or "niemand (frei)"; with delegation and Vertretung.

import { fill } from '../shared/dom';
import type { TaskDto } from './api';
import { postkorbTexts as t } from './texts';

export function holderText(task: TaskDto, meId: string): string {
  const who = !task.assignee ? t.holder.nobody : task.assignee === meId ? t.holder.me : task.assignee;
  const notes: string[] = [];
  if (task.delegationState === 'pending' && task.owner) notes.push(fill(t.holder.delegatedBy, { owner: task.owner === meId ? t.holder.me : task.owner }));
  if (task.onBehalfOf) notes.push(fill(t.holder.onBehalfOf, { user: task.onBehalfOf }));
  return notes.length ? `${who} (${notes.join(', ')})` : who;
}

export function taskName(task: TaskDto): string {
  return task.name || task.elementId || t.untitled;
}

/** Whether the task is held by someone other than the signed-in user. */
export function heldByOther(task: TaskDto, meId: string): boolean {
  return !!task.assignee && task.assignee !== meId;
}
