// The process catalogue (/prozesse): every deployed process with its versions (who deployed each, when, why), its
// running and ended cases and open incidents; search and paging on the server (GET /api/processes); links to the
// designer and the analysis of each process. The search and page are kept in the address.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatDateTime, formatNumber } from '../../shared/format';
import { showError, clearMessages } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { processes, type ProcessSummary } from '../../designer/api';
import { texts } from './texts';
import './prozesse.css';

const shell = mountShell({ title: texts.title, signedIn: true });
const pageSize = 20;
const params = new URLSearchParams(location.search);
let q = params.get('q') ?? '';
let offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);

const input = h('input', { type: 'search', id: 'prozesse-suche', name: 'q', value: q, 'aria-describedby': 'prozesse-suche-hinweis' });
const form = h(
  'form',
  { class: 'inline-fields', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); q = input.value.trim(); offset = 0; void load(); } },
  h('div', { class: 'field' },
    h('label', { for: 'prozesse-suche' }, texts.search.label),
    h('p', { class: 'hint', id: 'prozesse-suche-hinweis' }, texts.search.hint),
    input),
  h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button' }, texts.search.submit)),
);
const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, sharedTexts.loading));
const count = h('p', { class: 'visually-hidden', role: 'status' });
const pager = h('nav', { class: 'pager', 'aria-label': sharedTexts.paging.label });
append(shell.main, [h('h1', {}, texts.heading), h('p', {}, texts.intro), form, count, results, pager]);
void load();

async function load(): Promise<void> {
  results.setAttribute('aria-busy', 'true');
  const address = new URLSearchParams();
  if (q) address.set('q', q);
  if (offset) address.set('offset', String(offset));
  history.replaceState(null, '', `${location.pathname}${address.size ? `?${address}` : ''}`);
  try {
    const page = await processes.list(q, offset, pageSize);
    clearMessages();
    const total = page.total ?? page.items.length;
    replace(results, page.items.length === 0 ? h('p', {}, texts.empty) : table(page.items));
    count.textContent = fill(texts.found, { count: formatNumber(total) });
    renderPager(total);
  } catch (e) {
    replace(results);
    showError(e);
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}

function processName(p: ProcessSummary): string {
  return p.name || p.processId;
}

function table(items: ProcessSummary[]): HTMLElement {
  const c = texts.columns;
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data process-table' },
      h('caption', {}, texts.caption),
      h('thead', {}, h('tr', {}, [c.name, c.latest, c.running, c.ended, c.incidents, c.links].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(row))));
}

function row(p: ProcessSummary): HTMLElement {
  const name = processName(p);
  return h('tr', { 'data-process-id': p.processId },
    h('th', { scope: 'row' }, h('span', { class: 'process-name' }, name), h('br'), h('code', { class: 'muted' }, p.processId), versions(p)),
    h('td', {}, String(p.latestVersion)),
    h('td', { class: 'number' }, formatNumber(p.running)),
    h('td', { class: 'number' }, formatNumber(p.ended)),
    h('td', { class: 'number' }, p.openIncidents > 0 ? h('span', { class: 'badge badge-overdue' }, formatNumber(p.openIncidents)) : '0'),
    h('td', {},
      h('ul', { class: 'link-list' },
        h('li', {}, h('a', { href: `/designer/${encodeURIComponent(p.processId)}`, 'aria-label': fill(texts.designerFor, { process: name }) }, texts.designer)),
        h('li', {}, h('a', { href: `/analyse/${encodeURIComponent(p.processId)}`, 'aria-label': fill(texts.analyseFor, { process: name }) }, texts.analyse)))));
}

function versions(p: ProcessSummary): HTMLElement {
  const v = texts.versions;
  return h('details', { class: 'versions' },
    h('summary', {}, p.versions.length === 1 ? v.summaryOne : fill(v.summary, { count: p.versions.length })),
    h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, fill(v.caption, { process: processName(p) })),
      h('thead', {}, h('tr', {}, [v.version, v.deployedAt, v.deployedBy, v.note, texts.columns.running, texts.columns.ended, texts.columns.incidents]
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, p.versions.map((x) => h('tr', {},
        h('td', {}, String(x.version)),
        h('td', {}, formatDateTime(x.deployedAt)),
        h('td', {}, x.deployedBy ?? v.fromFolder),
        h('td', {}, x.changeNote ?? v.noNote),
        h('td', { class: 'number' }, formatNumber(x.running)),
        h('td', { class: 'number' }, formatNumber(x.ended)),
        h('td', { class: 'number' }, formatNumber(x.openIncidents)))))));
}

function renderPager(total: number): void {
  const p = sharedTexts.paging;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + pageSize, total);
  replace(pager,
    h('button', { type: 'button', class: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - pageSize); void load(); } }, p.previous),
    h('span', {}, total === 0 ? p.empty : fill(p.range, { from, to, total })),
    h('button', { type: 'button', class: 'button', disabled: offset + pageSize >= total, onclick: () => { offset += pageSize; void load(); } }, p.next));
}
