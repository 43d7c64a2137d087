// A task page (/aufgaben/{id}): the facts (process and version, Aktenzeichen, Frist, Wiedervorlage, holder), the
// actions, the form, the diagram with the current task, the case's history, the variables the form does not show,
// comments and attachments.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { ApiError } from '../../shared/api';
import { field, formDialog } from '../../shared/dialog';
import { formatDue, toDateInput } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { tasks, type CaseDto, type FormDto, type TaskDto } from '../../postkorb/api';
import { claimTask } from '../../postkorb/claim';
import { taskName } from '../../postkorb/holder';
import { flash, listAddress } from '../../postkorb/list-state';
import { postkorbTexts } from '../../postkorb/texts';
import type { Me } from '../../shell/me';
import { facts } from './facts';
import { renderForm, type TaskForm } from './form';
import { historySection, variablesSection } from './history';
import { attachmentsSection, commentsSection } from './casefile';
import { rueckfrageSection } from './rueckfrage';
import { renderDiagram } from './diagram';
import { texts } from './texts';
import './aufgabe.css';

const shell = mountShell({ title: texts.title, signedIn: true });
const main = shell.main;
const taskId = decodeURIComponent(location.pathname.replace(/^\/aufgaben\//, '').replace(/\/$/, ''));

const back = h('a', { href: listAddress(), class: 'back-link' }, texts.back);
const heading = h('h1', { tabindex: '-1' }, sharedTexts.loading);
const factsArea = h('div', {});
const actionsArea = h('div', { role: 'group', 'aria-label': texts.actions.label, class: 'toolbar task-actions' });
const formArea = h('section', { class: 'task-form', 'aria-labelledby': 'formular-titel' });
const completeArea = h('div', { class: 'toolbar' });
const diagramArea = h('section', { class: 'task-diagram', 'aria-label': texts.diagram.heading });
const caseArea = h('div', { class: 'task-case' });
const fileArea = h('div', { class: 'task-file' });
append(main, [back, heading, factsArea, actionsArea, h('div', { class: 'task-columns' }, h('div', {}, formArea, completeArea), h('div', {}, diagramArea)), caseArea, fileArea]);

let me: Me;
let task: TaskDto;
let caseDto: CaseDto | null = null;
let form: TaskForm | null = null;
let caseFileShown = false;

void start();

async function start(): Promise<void> {
  try {
    me = await shell.me!;
    await load();
  } catch (e) {
    replace(heading, texts.title);
    showError(e);
  }
}

async function load(focus?: string): Promise<void> {
  const [t, c, f] = await Promise.all([tasks.get(taskId), tasks.caseOf(taskId).catch(() => null), tasks.form(taskId).catch(() => ({ kind: 'none', schema: null, data: null }) as FormDto)]);
  task = t;
  caseDto = c;
  document.title = `${taskName(task)} – ${document.title.split(' – ').pop()}`;
  replace(heading, taskName(task));
  replace(factsArea, facts(task, caseDto, me.id));
  renderActions();
  form = await renderForm(formArea, f, mine());
  renderComplete();
  if (caseDto) {
    replace(caseArea, historySection(caseDto), variablesSection(caseDto));
    if (!caseFileShown) {
      const instance = caseDto.instanceId || task.rootInstanceId;
      replace(fileArea, rueckfrageSection(task.id), commentsSection(instance), attachmentsSection(instance));
      void renderDiagram(diagramArea, task.processId, task.processVersion, caseDto.processName || task.processName || task.processId, caseDto.currentElementIds?.length ? caseDto.currentElementIds : [task.elementId], taskName(task));
      caseFileShown = true;
    }
  }
  if (focus) moveFocus(focus);
}

function mine(): boolean {
  return task.assignee === me.id;
}

function delegatedToMe(): boolean {
  return mine() && task.delegationState === 'pending' && !!task.owner && task.owner !== me.id;
}

function button(label: string, key: string, action: () => Promise<void>, primary = false): HTMLButtonElement {
  return h('button', { type: 'button', class: primary ? 'button button-primary' : 'button', 'data-focus': key, onclick: () => void run(action) }, label);
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && e.fieldErrors.length && form) {
      form.showErrors(e.fieldErrors);
      showError(new ApiError(400, e.problem, texts.form.invalid));
    } else showError(e);
  }
}

function renderActions(): void {
  const a = texts.actions;
  const buttons: HTMLElement[] = [];
  if (!mine()) buttons.push(button(a.claim, 'claim', claim, true));
  if (mine() && !delegatedToMe()) buttons.push(button(a.unclaim, 'unclaim', unclaim));
  if (mine() && task.delegationState !== 'pending') buttons.push(button(a.delegate, 'delegate', delegate));
  buttons.push(button(a.followUp, 'followUp', followUp));
  replace(actionsArea, buttons);
}

function renderComplete(): void {
  const a = texts.actions;
  if (!mine()) {
    replace(completeArea, h('p', { class: 'hint' }, a.notMine));
    return;
  }
  replace(completeArea, delegatedToMe() ? button(fill(a.resolve, { owner: task.owner! }), 'complete', complete, true) : button(a.complete, 'complete', complete, true));
}

async function claim(): Promise<void> {
  const claimed = await claimTask(task, me.id);
  if (!claimed) return;
  await load('form');
  showStatus(fill(postkorbTexts.claimed, { name: taskName(task) }));
}

async function unclaim(): Promise<void> {
  await tasks.unclaim(task.id);
  await load('claim');
  showStatus(texts.actions.unclaimed);
}

async function delegate(): Promise<void> {
  const a = texts.actions;
  const user = h('input', { type: 'text', name: 'userId', required: true, autocomplete: 'off' });
  const values = await formDialog(a.delegateTitle, field(a.delegateUser, user), a.delegate, a.delegateText);
  if (!values) return;
  const userId = String(values.get('userId')).trim();
  await tasks.delegate(task.id, userId);
  await load('followUp');
  showStatus(fill(a.delegated, { user: userId }));
}

async function followUp(): Promise<void> {
  const a = texts.actions;
  const date = h('input', { type: 'date', name: 'followUp', value: toDateInput(task.followUp) });
  const values = await formDialog(a.followUpTitle, field(a.followUpDate, date, a.followUpHint), a.followUp);
  if (!values) return;
  const value = String(values.get('followUp') ?? '') || null;
  await tasks.followUp(task.id, value);
  await load('followUp');
  showStatus(value ? fill(a.followUpSet, { date: formatDue(value) }) : a.followUpCleared);
}

async function complete(): Promise<void> {
  const values = form?.values();
  if (!values) {
    showError(new ApiError(400, {}, texts.form.invalid));
    return;
  }
  const name = taskName(task);
  if (delegatedToMe()) {
    await tasks.resolve(task.id, values);
    flash(fill(texts.actions.resolved, { name, owner: task.owner! }));
  } else {
    await tasks.complete(task.id, values);
    flash(fill(texts.actions.completed, { name }));
  }
  location.assign(listAddress());
}

function moveFocus(key: string): void {
  if (key === 'form') {
    const first = formArea.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])');
    (first ?? completeArea.querySelector<HTMLElement>('button'))?.focus();
    return;
  }
  (document.querySelector<HTMLElement>(`[data-focus="${key}"]`) ?? heading).focus();
}
