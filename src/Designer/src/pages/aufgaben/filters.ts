// Search form, filter chips and saved filters of the Postkorb.

import { h, fill, replace } from '../../shared/dom';
import { field, formDialog, confirmDialog } from '../../shared/dialog';
import type { SavedFilter } from '../../postkorb/api';
import type { ListState } from '../../postkorb/list-state';
import type { Me } from '../../shell/me';
import { texts } from './texts';

type FilterKey = 'q' | 'processId' | 'assignee' | 'candidateGroup';
const chipKeys: FilterKey[] = ['q', 'processId', 'assignee', 'candidateGroup'];

export function searchForm(state: ListState, me: Me, onSearch: (values: Pick<ListState, FilterKey>) => void): HTMLFormElement {
  const t = texts.search;
  const q = h('input', { type: 'search', name: 'q', value: state.q, id: 'suche-q' });
  const group = h(
    'select',
    { name: 'candidateGroup', id: 'suche-gruppe' },
    h('option', { value: '' }, t.allGroups),
    me.groups.map((g) => h('option', { value: g, selected: g === state.candidateGroup }, g)),
  );
  const assignee = h('input', { type: 'text', name: 'assignee', value: state.assignee, id: 'suche-bearbeiter', autocomplete: 'off' });
  const form = h(
    'form',
    { role: 'search', 'aria-label': t.legend, class: 'inline-fields' },
    field(t.q, q, t.qHint),
    field(t.group, group),
    field(t.assignee, assignee),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button button-primary' }, t.submit)),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onSearch({ q: q.value.trim(), candidateGroup: group.value, assignee: assignee.value.trim(), processId: state.processId });
  });
  return form;
}

/** The active filters as chips; each removes itself, focus moves to the next chip or to the search field. */
export function chips(state: ListState, onRemove: (key: FilterKey | 'columns' | 'all') => void): HTMLElement | null {
  const t = texts.chips;
  const active = chipKeys.filter((k) => state[k]);
  const items: HTMLElement[] = active.map((k) => chip(`${t[k]}: ${state[k]}`, () => onRemove(k)));
  if (state.columns.length) items.push(chip(`${t.columns}: ${state.columns.join(', ')}`, () => onRemove('columns')));
  if (items.length === 0) return null;
  if (items.length > 1) items.push(h('li', {}, h('button', { type: 'button', class: 'button-link', onclick: () => onRemove('all') }, t.removeAll)));
  return h('ul', { class: 'chips', 'aria-label': t.label }, items);
}

function chip(label: string, remove: () => void): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', class: 'chip', 'aria-label': fill(texts.chips.remove, { chip: label }), onclick: remove },
      label,
      h('span', { 'aria-hidden': 'true', class: 'chip-x' }, ' ✕'),
    ),
  );
}

export interface SavedFilterHandlers {
  apply(filter: SavedFilter): void;
  save(filter: Omit<SavedFilter, 'id' | 'owner'>): Promise<void>;
  remove(filter: SavedFilter): Promise<void>;
}

/** The saved filters (own and shared with one of my groups), to apply, delete (own ones) or save the current one. */
export function savedFilters(container: HTMLElement, list: SavedFilter[], state: ListState, me: Me, handlers: SavedFilterHandlers): void {
  const t = texts.saved;
  const select = h(
    'select',
    { id: 'gespeicherte-filter' },
    h('option', { value: '' }, t.none),
    list.map((f) =>
      h('option', { value: f.id, selected: f.id === state.filter }, f.sharedWithGroup && f.owner !== me.id ? fill(t.shared, { name: f.name, group: f.sharedWithGroup }) : f.name),
    ),
  );
  const chosen = () => list.find((f) => f.id === select.value);
  const apply = h('button', { type: 'button', class: 'button', onclick: () => { const f = chosen(); if (f) handlers.apply(f); } }, t.apply);
  const remove = h('button', {
    type: 'button', class: 'button',
    onclick: async () => {
      const f = chosen();
      if (!f) return;
      if (await confirmDialog(fill(t.deleteTitle, { name: f.name }), t.deleteText, t.delete, true)) await handlers.remove(f);
    },
  }, t.delete);
  // Only one's own filters can be deleted; a filter shared by a colleague can be applied, not removed.
  const own = () => { const f = chosen(); return !!f && (!f.owner || f.owner === me.id); };
  remove.hidden = !own();
  select.addEventListener('change', () => { remove.hidden = !own(); });
  const save = h('button', { type: 'button', class: 'button', onclick: () => saveDialog(state, me, handlers) }, t.save);
  replace(
    container,
    h('h2', { class: 'visually-hidden' }, t.heading),
    h('div', { class: 'inline-fields' }, list.length ? [field(t.select, select), h('div', { class: 'field toolbar' }, apply, remove)] : null, h('div', { class: 'field' }, save)),
  );
}

async function saveDialog(state: ListState, me: Me, handlers: SavedFilterHandlers): Promise<void> {
  const t = texts.saved;
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 100 });
  const columns = h('input', { type: 'text', name: 'columns', value: state.columns.join(', ') });
  const share = h('select', { name: 'share' }, h('option', { value: '' }, t.onlyMe), me.groups.map((g) => h('option', { value: g }, fill(t.group, { group: g }))));
  const values = await formDialog(t.saveTitle, [field(t.name, name), field(t.columns, columns, t.columnsHint), field(t.shareWith, share)], t.save, t.saveText);
  if (!values) return;
  await handlers.save({
    name: String(values.get('name')).trim(),
    query: { view: state.view, sort: state.sort, order: state.order, q: state.q, processId: state.processId, assignee: state.assignee, candidateGroup: state.candidateGroup },
    columns: String(values.get('columns') ?? '').split(',').map((c) => c.trim()).filter(Boolean),
    sharedWithGroup: String(values.get('share') ?? '') || null,
  });
}
