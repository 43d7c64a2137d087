// "Übernehmen": a free task is claimed at once; a task someone else holds is never taken over by one click — a
// dialog names the holder and asks first. If a colleague claimed it in the meantime, the server answers 409 with
// the holder, and the same question is asked.

import { ApiError } from '../shared/api';
import { confirmDialog } from '../shared/dialog';
import { fill } from '../shared/dom';
import { tasks, type TaskDto } from './api';
import { heldByOther } from './holder';
import { postkorbTexts as t } from './texts';

export async function claimTask(task: TaskDto, meId: string): Promise<TaskDto | null> {
  if (heldByOther(task, meId)) return (await askTakeOver(task.assignee!)) ? tasks.claim(task.id, true) : null;
  try {
    return await tasks.claim(task.id, false);
  } catch (e) {
    const holder = e instanceof ApiError && e.status === 409 ? e.problem.holder : undefined;
    if (typeof holder !== 'string' || holder === meId) throw e;
    return (await askTakeOver(holder)) ? tasks.claim(task.id, true) : null;
  }
}

function askTakeOver(holder: string): Promise<boolean> {
  return confirmDialog(fill(t.takeOverTitle, { holder }), fill(t.takeOverText, { holder }), t.claim);
}
