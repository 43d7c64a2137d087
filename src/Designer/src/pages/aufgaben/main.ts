// The Postkorb (/aufgaben): views with their counts, search, filter chips, saved filters, a sortable table paged on
// the server, claim with a question when someone else holds the task, and for team leads reassignment. The list's
// state is kept in the address and the session, so coming back from a task finds the same list and the same row.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { itemsOf, type Page } from '../../shared/api';
import { formatNumber } from '../../shared/format';
import { field, formDialog } from '../../shared/dialog';
import { clearMessages, showError, showStatus } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { filters as filterApi, tasks, type Counts, type SavedFilter, type SortKey, type TaskDto, type ViewName } from '../../postkorb/api';
import { claimTask } from '../../postkorb/claim';
import { taskName } from '../../postkorb/holder';
import { postkorbTexts } from '../../postkorb/texts';
import { defaults, initialState, pageSizes, remember, rememberReturn, takeFlash, takeReturn, type ListState } from '../../postkorb/list-state';
import type { Me } from '../../shell/me';
import { chips, savedFilters, searchForm } from './filters';
import { cssId, renderTable } from './table';
import { texts } from './texts';
import './aufgaben.css';

const shell = mountShell({ title: texts.title, signedIn: true });
const main = shell.main;

let state: ListState = initialState();
let me: Me;
let counts: Partial<Counts> = {};
let page: Page<TaskDto> | null = null;
let saved: SavedFilter[] = [];
let loading: AbortController | null = null;

const viewsNav = h('nav', { class: 'views', 'aria-label': texts.viewsLabel });
const searchArea = h('div', { class: 'search-area' });
const chipArea = h('div', { class: 'chip-area' });
const savedArea = h('section', { class: 'saved-filters', 'aria-label': texts.saved.heading });
const results = h('div', { class: 'results', 'aria-busy': 'true' });
const pager = h('nav', { class: 'pager', 'aria-label': sharedTexts.paging.label });

append(main, [
  h('h1', {}, texts.heading),
  viewsNav,
  searchArea,
  chipArea,
  savedArea,
  h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'button', onclick: () => void refresh(true) }, texts.refresh)),
  results,
  pager,
]);
results.append(h('p', {}, sharedTexts.loading));

void start();

async function start(): Promise<void> {
  try {
    me = await shell.me!;
  } catch {
    replace(results);
    return;
  }
  if (state.view === 'team' && !isTeamLead()) state = { ...state, view: defaults.view };
  const flash = takeFlash();
  if (flash) showStatus(flash);
  renderControls();
  void loadSavedFilters();
  await refresh(false);
  restoreReturnPoint();
}

function isTeamLead(): boolean {
  return me.roles.includes('teamlead');
}

/** Sets a new state, keeps it, and loads the matching page. */
async function update(change: Partial<ListState>, announce = true): Promise<void> {
  const next = { ...state, ...change };
  const filterChanged = (['view', 'q', 'processId', 'assignee', 'candidateGroup', 'sort', 'order', 'limit', 'columns'] as const)
    .some((k) => String(next[k]) !== String(state[k]));
  if (filterChanged && change.offset === undefined) next.offset = 0;
  if (filterChanged && change.filter === undefined) next.filter = '';
  state = next;
  renderControls();
  await loadPage(announce);
}

async function refresh(announce: boolean): Promise<void> {
  void loadCounts();
  await loadPage(announce);
}

async function loadCounts(): Promise<void> {
  try {
    counts = await tasks.counts();
  } catch {
    counts = {};
  }
  renderViews();
}

async function loadPage(announce: boolean): Promise<void> {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  remember(state);
  results.setAttribute('aria-busy', 'true');
  try {
    const answer = await tasks.list(state, controller.signal);
    if (controller.signal.aborted) return;
    // A page past the end (tasks were completed meanwhile) falls back to the last page that has rows.
    if (answer.items.length === 0 && state.offset > 0 && answer.total !== null) {
      state = { ...state, offset: Math.max(0, Math.floor((answer.total - 1) / state.limit) * state.limit) };
      return void loadPage(announce);
    }
    page = answer;
    renderResults();
    if (announce) showStatus(fill(texts.found, { count: formatNumber(answer.total ?? answer.items.length) }));
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return;
    showError(e);
  } finally {
    if (loading === controller) results.setAttribute('aria-busy', 'false');
  }
}

async function loadSavedFilters(): Promise<void> {
  try {
    saved = itemsOf(await filterApi.list());
  } catch {
    saved = [];
  }
  renderSaved();
}

function renderControls(): void {
  renderViews();
  replace(searchArea, searchForm(state, me, (values) => void update(values)));
  renderChips();
  renderSaved();
}

function renderViews(): void {
  const views: ViewName[] = ['mine', 'offered', 'group', 'overdue', 'followup'];
  if (isTeamLead()) views.push('team');
  replace(
    viewsNav,
    h(
      'ul',
      {},
      views.map((v) => {
        const count = counts[v];
        const link = h(
          'a',
          { href: `?view=${v}`, 'aria-current': state.view === v ? 'page' : null, 'data-focus': `view:${v}` },
          postkorbTexts.views[v],
          count === undefined ? null : [' ', h('span', { class: 'count' }, formatNumber(count))],
        );
        link.addEventListener('click', (e) => {
          e.preventDefault();
          clearMessages();
          void update({ view: v }).then(() => focusKey(`view:${v}`));
        });
        return h('li', {}, link);
      }),
    ),
  );
}

function renderChips(): void {
  replace(
    chipArea,
    chips(state, (key) => {
      const before = [...chipArea.querySelectorAll('button')].indexOf(document.activeElement as HTMLButtonElement);
      const change: Partial<ListState> =
        key === 'all' ? { q: '', processId: '', assignee: '', candidateGroup: '', columns: [] }
        : key === 'columns' ? { columns: [] }
        : { [key]: '' };
      void update(change, false).then(() => {
        const buttons = chipArea.querySelectorAll<HTMLButtonElement>('button');
        (buttons[Math.min(Math.max(before, 0), buttons.length - 1)] ?? document.getElementById('suche-q'))?.focus();
        showStatus(texts.chips.removed);
      });
    }),
  );
}

function renderSaved(): void {
  if (!me) return;
  savedFilters(savedArea, saved, state, me, {
    apply: (f) => {
      void update({ ...defaults, ...f.query, columns: f.columns ?? [], offset: 0, limit: state.limit, filter: f.id }, false).then(() =>
        showStatus(fill(texts.saved.applied, { name: f.name })),
      );
    },
    save: async (f) => {
      try {
        const created = await filterApi.save(f);
        saved = [...saved, created];
        state = { ...state, filter: created.id, columns: created.columns ?? f.columns };
        renderControls();
        await loadPage(false);
        showStatus(fill(texts.saved.saved, { name: created.name }));
      } catch (e) {
        showError(e);
      }
    },
    remove: async (f) => {
      try {
        await filterApi.remove(f.id);
        saved = saved.filter((s) => s.id !== f.id);
        if (state.filter === f.id) state = { ...state, filter: '' };
        renderSaved();
        document.getElementById('gespeicherte-filter')?.focus();
        showStatus(fill(texts.saved.deleted, { name: f.name }));
      } catch (e) {
        showError(e);
      }
    },
  });
}

function renderResults(): void {
  if (!page) return;
  const total = page.total ?? page.items.length;
  const range = total === 0 ? sharedTexts.paging.empty
    : fill(sharedTexts.paging.range, { from: formatNumber(page.offset + 1), to: formatNumber(page.offset + page.items.length), total: formatNumber(total) });
  const caption = fill(texts.table.caption, { view: postkorbTexts.views[state.view], range });
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.focus;
  replace(results, renderTable(page.items, state, me.id, caption, {
    open: (task, index) => rememberReturn({ taskId: task.id, index, scrollY: window.scrollY }),
    claim: (task) => void claim(task),
    reassign: (task) => void reassign(task),
    sort: (key) => void sortBy(key),
  }));
  renderPager(total);
  if (focused) focusKey(focused);
}

function renderPager(total: number): void {
  const pages = Math.max(1, Math.ceil(total / state.limit));
  const current = Math.floor(state.offset / state.limit) + 1;
  const size = h('select', { id: 'seitengroesse', 'data-focus': 'pager:size' }, pageSizes.map((n) => h('option', { value: n, selected: n === state.limit }, String(n))));
  size.addEventListener('change', () => void update({ limit: Number(size.value) }, false));
  replace(
    pager,
    h('button', { type: 'button', class: 'button', 'data-focus': 'pager:prev', disabled: current <= 1, onclick: () => void update({ offset: Math.max(0, state.offset - state.limit) }, false) }, sharedTexts.paging.previous),
    h('span', {}, fill(texts.page, { page: formatNumber(current), pages: formatNumber(pages) })),
    h('button', { type: 'button', class: 'button', 'data-focus': 'pager:next', disabled: current >= pages, onclick: () => void update({ offset: state.offset + state.limit }, false) }, sharedTexts.paging.next),
    h('div', { class: 'field pager-size' }, h('label', { for: 'seitengroesse' }, sharedTexts.paging.pageSize), size),
  );
}

async function sortBy(key: SortKey): Promise<void> {
  const order = state.sort === key && state.order === 'asc' ? 'desc' : 'asc';
  await update({ sort: key, order }, false);
  document.querySelector<HTMLButtonElement>(`th[aria-sort] .sort-button`)?.focus();
}

async function claim(task: TaskDto): Promise<void> {
  try {
    const claimed = await claimTask(task, me.id);
    if (!claimed) return;
    await refresh(false);
    document.getElementById(`aufgabe-${cssId(task.id)}`)?.focus();
    showStatus(fill(postkorbTexts.claimed, { name: taskName(task) }));
  } catch (e) {
    showError(e);
  }
}

async function reassign(task: TaskDto): Promise<void> {
  const user = h('input', { type: 'text', name: 'userId', required: true, autocomplete: 'off', value: task.assignee ?? '' });
  const values = await formDialog(fill(texts.reassignTitle, { name: taskName(task) }), field(texts.reassignUser, user), texts.reassign);
  if (!values) return;
  const userId = String(values.get('userId')).trim();
  try {
    await tasks.assign(task.id, userId);
    await refresh(false);
    showStatus(fill(texts.reassigned, { name: taskName(task), user: userId }));
  } catch (e) {
    showError(e);
  }
}

/** Back from a task page: the same row (or the one now in its place) gets the focus, the scroll position returns. */
function restoreReturnPoint(): void {
  const point = takeReturn();
  if (!point || !page) return;
  const link = document.getElementById(`aufgabe-${cssId(point.taskId)}`)
    ?? results.querySelectorAll<HTMLElement>('tbody th a')[Math.min(point.index, page.items.length - 1)];
  window.scrollTo(0, point.scrollY);
  link?.focus({ preventScroll: true });
  link?.closest('tr')?.classList.add('current-row');
}

function focusKey(key: string): void {
  document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}
