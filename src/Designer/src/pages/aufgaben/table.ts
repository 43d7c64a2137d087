// The task table: the Aktenzeichen and who holds the task in every row, sortable headers (aria-sort), extra columns
// from process variables, and per row "Übernehmen" (not mine) or, for team leads, "Neu zuweisen".

import { h, fill } from '../../shared/dom';
import { formatDateTime, formatDue, formatNumber, formatValue, isPast } from '../../shared/format';
import type { SortKey, TaskDto } from '../../postkorb/api';
import { heldByOther, holderText, taskName } from '../../postkorb/holder';
import { postkorbTexts } from '../../postkorb/texts';
import type { ListState } from '../../postkorb/list-state';
import { texts } from './texts';

export interface TableActions {
  open(task: TaskDto, index: number): void;
  claim(task: TaskDto): void;
  reassign(task: TaskDto): void;
  sort(key: SortKey): void;
}

interface Column {
  key: string;
  label: string;
  sort?: SortKey;
  cell(task: TaskDto, index: number): Node | string;
}

export function renderTable(items: TaskDto[], state: ListState, meId: string, caption: string, actions: TableActions): HTMLElement {
  const columns = buildColumns(state, meId, actions);
  const head = h('tr', {}, columns.map((c) => headerCell(c, state, actions)));
  const rows = items.length
    ? items.map((task, i) =>
        h('tr', { 'data-task-id': task.id }, columns.map((c, ci) => (ci === 0 ? h('th', { scope: 'row' }, c.cell(task, i)) : h('td', {}, c.cell(task, i))))),
      )
    : [h('tr', {}, h('td', { colspan: columns.length }, texts.table.empty))];
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'data', id: 'aufgaben-tabelle' }, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, rows)),
  );
}

function headerCell(c: Column, state: ListState, actions: TableActions): HTMLElement {
  if (!c.sort) return h('th', { scope: 'col' }, c.label);
  const active = state.sort === c.sort;
  const sortKey = c.sort;
  return h(
    'th',
    { scope: 'col', 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : null },
    h(
      'button',
      { type: 'button', class: 'sort-button', 'data-active': active, onclick: () => actions.sort(sortKey) },
      c.label,
      active ? h('span', { 'aria-hidden': 'true' }, state.order === 'asc' ? ' ▲' : ' ▼') : null,
    ),
  );
}

function buildColumns(state: ListState, meId: string, actions: TableActions): Column[] {
  const t = texts.table;
  const columns: Column[] = [
    {
      key: 'name', label: t.task, sort: 'name',
      cell: (task, i) => {
        const link = h('a', { href: `/aufgaben/${encodeURIComponent(task.id)}`, id: `aufgabe-${cssId(task.id)}` }, taskName(task));
        link.addEventListener('click', () => actions.open(task, i));
        return link;
      },
    },
    { key: 'businessKey', label: t.businessKey, sort: 'businessKey', cell: (task) => task.businessKey ?? '–' },
    {
      key: 'process', label: t.process,
      cell: (task) => h('span', {}, task.processName || task.processId, ' ', h('span', { class: 'muted' }, `(${fill(t.version, { version: task.processVersion })})`)),
    },
    { key: 'holder', label: t.holder, cell: (task) => holderText(task, meId) },
    {
      key: 'due', label: t.due, sort: 'due',
      cell: (task) => h('span', {}, formatDue(task.due) || '–', isPast(task.due) ? [' ', h('span', { class: 'badge badge-overdue' }, postkorbTexts.overdue)] : null),
    },
    {
      key: 'followUp', label: t.followUp,
      cell: (task) => h('span', {}, formatDue(task.followUp) || '–', isPast(task.followUp) ? [' ', h('span', { class: 'badge badge-followup' }, postkorbTexts.followUpReached)] : null),
    },
    { key: 'priority', label: t.priority, sort: 'priority', cell: (task) => formatNumber(task.priority) },
    { key: 'created', label: t.created, sort: 'created', cell: (task) => formatDateTime(task.createdAt) },
  ];
  for (const name of state.columns) {
    columns.push({ key: `var:${name}`, label: name, cell: (task) => formatValue(task.variables?.[name]) });
  }
  columns.push({
    key: 'actions', label: t.actions,
    cell: (task) => {
      const nameId = `aufgabe-${cssId(task.id)}`;
      const buttons: HTMLElement[] = [];
      if (task.assignee !== meId) {
        buttons.push(h('button', { type: 'button', class: 'button button-small', 'aria-describedby': nameId, onclick: () => actions.claim(task) }, postkorbTexts.claim));
      }
      if (state.view === 'team') {
        buttons.push(h('button', { type: 'button', class: 'button button-small', 'aria-describedby': nameId, onclick: () => actions.reassign(task) }, texts.reassign));
      }
      if (buttons.length === 0 && !heldByOther(task, meId)) return h('span', { class: 'muted' }, '–');
      return h('div', { class: 'toolbar' }, buttons);
    },
  });
  return columns;
}

/** Task ids contain dots; element ids used for aria references keep to letters, digits, '-' and '_'. */
export function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
