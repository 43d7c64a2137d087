// The eAkte Stadtplanung search (/stadtplanung): the Bauleitplan procedures found by a search over their metadata
// (GET /api/stadtplanung/verfahren: Suchbegriff, Gemarkung, Verfahrensstand), searched and paged on the server. What a
// person may see the server decides: the role reads, a confidential procedure only its lead and read groups. Each row
// leads to the case: its tasks in the Postkorb (staff who work tasks) or the case in the Betrieb view (auditors). The
// search and the page are kept in the address.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatNumber } from '../../shared/format';
import { showError, clearMessages } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { api, query, type Page } from '../../shared/api';
import { texts } from './texts';
import './stadtplanung.css';

interface Verfahren {
  id: string;
  planNummer: string;
  titel: string;
  planart: string;
  gemarkung: string;
  flur: string | null;
  aktenzeichen: string;
  vertraulich: boolean;
  status: string;
  auslegungBeginn: string | null;
  auslegungEnde: string | null;
  instanceId: string | null;
}

const shell = mountShell({ title: texts.title, signedIn: true });
const pageSize = 20;
const params = new URLSearchParams(location.search);
const filter = {
  q: params.get('q') ?? '',
  gemarkung: params.get('gemarkung') ?? '',
  status: params.get('status') ?? '',
};
let offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
// Staff who work tasks go to the case's tasks in the Postkorb; the others with InstanceRead (auditors) to the Betrieb view.
let worksTasks = true;
const dateOnly = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' });

function day(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

// ---------- search form ----------
const f = texts.filter;
const searchInput = h('input', { type: 'search', id: 'bp-suche', name: 'q', maxlength: '200', 'aria-describedby': 'bp-suche-hinweis' });
const gemarkungInput = h('input', { type: 'text', id: 'bp-gemarkung', name: 'gemarkung', maxlength: '200', 'aria-describedby': 'bp-gemarkung-hinweis' });
const statusSelect = h('select', { id: 'bp-status', name: 'status' },
  h('option', { value: '' }, f.anyStatus),
  Object.entries(texts.status).map(([value, text]) => h('option', { value }, text)));

function fieldsFromFilter(): void {
  searchInput.value = filter.q;
  gemarkungInput.value = filter.gemarkung;
  statusSelect.value = filter.status;
}

const form = h('form', { class: 'stadtplanung-filter', role: 'search', 'aria-label': f.legend, onsubmit: (e: Event) => { e.preventDefault(); readFilter(); offset = 0; void load(); } },
  h('fieldset', {},
    h('legend', {}, f.legend),
    h('div', { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'bp-suche' }, f.search), h('p', { class: 'hint', id: 'bp-suche-hinweis' }, f.searchHint), searchInput),
      h('div', { class: 'field' }, h('label', { for: 'bp-gemarkung' }, f.gemarkung), h('p', { class: 'hint', id: 'bp-gemarkung-hinweis' }, f.gemarkungHint), gemarkungInput),
      h('div', { class: 'field' }, h('label', { for: 'bp-status' }, f.status), statusSelect)),
    h('div', { class: 'toolbar' },
      h('button', { type: 'submit', class: 'button button-primary' }, f.submit),
      h('button', { type: 'button', class: 'button', onclick: () => resetFilter() }, f.reset))));

function readFilter(): void {
  filter.q = searchInput.value.trim();
  filter.gemarkung = gemarkungInput.value.trim();
  filter.status = statusSelect.value;
}

function resetFilter(): void {
  Object.assign(filter, { q: '', gemarkung: '', status: '' });
  fieldsFromFilter();
  offset = 0;
  void load();
}

// ---------- layout ----------
const count = h('p', { role: 'status', class: 'result-count' });
const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, sharedTexts.loading));
const pager = h('nav', { class: 'pager', 'aria-label': texts.results.paging, hidden: true });
append(shell.main, [h('h1', {}, texts.heading), h('p', {}, texts.intro), form, count, results, pager]);
fieldsFromFilter();

void (async () => {
  try {
    const me = await shell.me;
    worksTasks = me?.roles.some((r) => ['clerk', 'teamlead', 'sitzungsdienst'].includes(r)) ?? true;
  } catch {
    worksTasks = true;
  }
  await load();
})();

function keepInAddress(): void {
  const address = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) address.set(k, v);
  if (offset) address.set('offset', String(offset));
  history.replaceState(null, '', `${location.pathname}${address.size ? `?${address}` : ''}`);
}

// Only the newest search answers: one sent earlier (the first load, a page) that returns later is dropped.
let running: AbortController | null = null;

async function load(): Promise<void> {
  keepInAddress();
  running?.abort();
  const mine = new AbortController();
  running = mine;
  results.setAttribute('aria-busy', 'true');
  try {
    const page = await api.get<Page<Verfahren>>(`/api/stadtplanung/verfahren${query({ ...filter, offset, limit: pageSize })}`, mine.signal);
    if (mine.signal.aborted) return;
    clearMessages();
    const total = page.total ?? page.items.length;
    if (page.items.length === 0 && offset > 0 && total > 0) {
      // The address asked for a page past the end (fewer procedures now): show the last one.
      offset = Math.floor((total - 1) / pageSize) * pageSize;
      return await load();
    }
    replace(results, page.items.length === 0 ? h('p', {}, texts.results.empty) : table(page.items));
    count.textContent = total === 0 ? texts.results.foundNone : total === 1 ? texts.results.foundOne : fill(texts.results.found, { count: formatNumber(total) });
    renderPager(total);
  } catch (e) {
    if (mine.signal.aborted) return;
    replace(results);
    count.textContent = '';
    pager.hidden = true;
    showError(e);
  } finally {
    if (running === mine) results.setAttribute('aria-busy', 'false');
  }
}

function table(items: Verfahren[]): HTMLElement {
  const r = texts.results;
  const heads = [r.aktenzeichen, r.plan, r.gemarkung, r.status, r.frist, r.fall];
  // Focusable, so a table wider than the screen scrolls by keyboard too.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': r.caption },
    h('table', { class: 'data stadtplanung-table' },
      h('caption', {}, r.caption),
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((v) => h('tr', { 'data-verfahren': v.id },
        h('th', { scope: 'row' }, v.aktenzeichen),
        h('td', {},
          h('span', {}, v.titel),
          v.vertraulich ? h('span', { class: 'vertraulich' }, r.vertraulich) : null,
          h('span', { class: 'plan-art' }, `${v.planart} ${v.planNummer}`)),
        h('td', {}, v.gemarkung, v.flur ? h('span', { class: 'flur' }, v.flur) : null),
        h('td', {}, texts.status[v.status] ?? v.status),
        h('td', { class: 'frist' }, frist(v)),
        h('td', {}, caseLink(v)))))));
}

/** The display's end while it runs; its start while it is announced for later; nothing otherwise. */
function frist(v: Verfahren): string {
  const r = texts.results;
  if (v.status !== 'auslegung' || !v.auslegungBeginn) return r.none;
  const today = new Date().toISOString().slice(0, 10);
  if (v.auslegungBeginn > today) return fill(r.auslegungAb, { date: day(v.auslegungBeginn) });
  return v.auslegungEnde ? fill(r.auslegungBis, { date: day(v.auslegungEnde) }) : r.none;
}

function caseLink(v: Verfahren): HTMLElement | string {
  const r = texts.results;
  if (worksTasks) return h('a', { href: `/aufgaben${query({ view: 'group', q: v.id })}` }, fill(r.tasks, { plan: v.planNummer }));
  return v.instanceId ? h('a', { href: `/betrieb/${encodeURIComponent(v.instanceId)}` }, fill(r.caseView, { plan: v.planNummer })) : r.none;
}

function renderPager(total: number): void {
  const p = sharedTexts.paging;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + pageSize, total);
  pager.hidden = total <= pageSize;
  const go = (o: number): void => { offset = o; void load(); };
  replace(pager,
    h('button', { type: 'button', class: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - pageSize)) }, p.previous),
    h('span', {}, total === 0 ? p.empty : fill(p.range, { from: formatNumber(from), to: formatNumber(to), total: formatNumber(total) })),
    h('button', { type: 'button', class: 'button', disabled: offset + pageSize >= total, onclick: () => go(offset + pageSize) }, p.next));
}
