// The list's state lives in the address (so a link or the back button restores it) and in the session storage (so
// "Zurück zur Liste" from a task page restores filter, sort, page and the row the clerk came from).

import type { Order, SortKey, TaskQuery, ViewName } from './api';

export interface ListState extends TaskQuery {
  /** The saved filter applied, if any. */
  filter: string;
}

const views: ViewName[] = ['mine', 'offered', 'group', 'overdue', 'followup', 'team'];
const sorts: SortKey[] = ['due', 'priority', 'created', 'name', 'businessKey'];
const pageSizes = [25, 50, 100];
const storageKey = 'egov.postkorb.state';
const returnKey = 'egov.postkorb.return';

export const defaults: ListState = {
  view: 'mine', sort: 'due', order: 'asc', q: '', processId: '', assignee: '', candidateGroup: '',
  columns: [], offset: 0, limit: 50, filter: '',
};

export { pageSizes };

function int(value: string | null, fallback: number, min: number): number {
  const n = value === null ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

export function parse(search: string): ListState {
  const p = new URLSearchParams(search);
  const view = p.get('view') as ViewName;
  const sort = p.get('sort') as SortKey;
  const limit = int(p.get('limit'), defaults.limit, 1);
  return {
    view: views.includes(view) ? view : defaults.view,
    sort: sorts.includes(sort) ? sort : defaults.sort,
    order: (p.get('order') === 'desc' ? 'desc' : 'asc') as Order,
    q: p.get('q') ?? '',
    processId: p.get('processId') ?? '',
    assignee: p.get('assignee') ?? '',
    candidateGroup: p.get('candidateGroup') ?? '',
    columns: (p.get('columns') ?? '').split(',').map((c) => c.trim()).filter(Boolean),
    offset: int(p.get('offset'), 0, 0),
    limit: pageSizes.includes(limit) ? limit : defaults.limit,
    filter: p.get('filter') ?? '',
  };
}

export function serialize(state: ListState): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(defaults) as (keyof ListState)[]) {
    const value = state[key];
    const text = Array.isArray(value) ? value.join(',') : String(value);
    const def = defaults[key];
    if (text !== (Array.isArray(def) ? def.join(',') : String(def))) p.set(key, text);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The state to start with: the address's when it has one, else the one kept from earlier in this session. */
export function initialState(): ListState {
  if (location.search) return parse(location.search);
  const kept = sessionStorage.getItem(storageKey);
  return kept !== null ? parse(kept) : { ...defaults };
}

export function remember(state: ListState): void {
  const s = serialize(state);
  sessionStorage.setItem(storageKey, s);
  if (s !== location.search) history.replaceState(null, '', `${location.pathname}${s}`);
}

/** The list's address as last seen in this session ("Zurück zur Liste" on a task page). */
export function listAddress(): string {
  return `/aufgaben${sessionStorage.getItem(storageKey) ?? ''}`;
}

export interface ReturnPoint {
  taskId: string;
  index: number;
  scrollY: number;
}

export function rememberReturn(point: ReturnPoint): void {
  sessionStorage.setItem(returnKey, JSON.stringify(point));
}

export function takeReturn(): ReturnPoint | null {
  const raw = sessionStorage.getItem(returnKey);
  sessionStorage.removeItem(returnKey);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as ReturnPoint;
  } catch {
    return null;
  }
}

/** A message to show on the list after a task page sent the clerk back (e.g. "Aufgabe abgeschlossen."). */
const flashKey = 'egov.postkorb.flash';
export function flash(text: string): void {
  sessionStorage.setItem(flashKey, text);
}
export function takeFlash(): string | null {
  const text = sessionStorage.getItem(flashKey);
  sessionStorage.removeItem(flashKey);
  return text;
}
