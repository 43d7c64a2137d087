// The Mobilfunk overview (/mobilfunk): contracts with tariff, device, cost centre, monthly and yearly costs and the end of
// the minimum term, filtered and searched on the server and paged there (GET /api/mobilfunk/vertraege), so it works with
// thousands of contracts; for the IT-Service also the running contracts' costs per cost centre with the total
// (GET /api/mobilfunk/kosten). Other staff see their own contracts only (the server decides). The filter and the page
// are kept in the address.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatNumber } from '../../shared/format';
import { showError, clearMessages } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { api, query, type Page } from '../../shared/api';
import { texts } from './texts';
import './mobilfunk.css';

interface Vertrag {
  id: string;
  mitarbeiter: string;
  kostenstelle: string;
  tarif: string | null;
  tarifId: string;
  geraet: string | null;
  rufnummer: string | null;
  grundgebuehr: number;
  kostenJahr: number;
  geraetepreis: number;
  mindestlaufzeitEnde: string | null;
  status: string;
}

interface Kostenstellensumme {
  kostenstelle: string;
  vertraege: number;
  monatlich: number;
  jaehrlich: number;
  geraete: number;
}

interface Kosten extends Page<Kostenstellensumme> {
  gesamt: Kostenstellensumme;
}

const shell = mountShell({ title: texts.title, signedIn: true });
const pageSize = 50;
const costPageSize = 25;
const params = new URLSearchParams(location.search);
const filter = {
  q: params.get('q') ?? '',
  kostenstelle: params.get('kostenstelle') ?? '',
  status: params.get('status') ?? '',
  endetBis: params.get('endetBis') ?? '',
};
let offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
let costOffset = 0;
let mayManage = false;
const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
const dateOnly = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' });

function day(iso: string | null): string {
  if (!iso) return texts.contracts.none;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

// ---------- filter ----------
const f = texts.filter;
const searchInput = h('input', { type: 'search', id: 'mobil-suche', name: 'q', maxlength: '100', 'aria-describedby': 'mobil-suche-hinweis' });
const costCentreInput = h('input', { type: 'text', id: 'mobil-kostenstelle', name: 'kostenstelle', 'aria-describedby': 'mobil-kostenstelle-hinweis' });
const statusSelect = h('select', { id: 'mobil-status', name: 'status' },
  h('option', { value: '' }, f.anyStatus),
  Object.entries(texts.status).map(([value, text]) => h('option', { value }, text)));
const endsInput = h('input', { type: 'date', id: 'mobil-endet', name: 'endetBis', 'aria-describedby': 'mobil-endet-hinweis' });

function fieldsFromFilter(): void {
  searchInput.value = filter.q;
  costCentreInput.value = filter.kostenstelle;
  statusSelect.value = filter.status;
  endsInput.value = filter.endetBis;
}

const form = h('form', { class: 'mobilfunk-filter', role: 'search', 'aria-label': f.legend, onsubmit: (e: Event) => { e.preventDefault(); readFilter(); offset = 0; costOffset = 0; void loadAll(); } },
  h('fieldset', {},
    h('legend', {}, f.legend),
    h('div', { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'mobil-suche' }, f.search), h('p', { class: 'hint', id: 'mobil-suche-hinweis' }, f.searchHint), searchInput),
      h('div', { class: 'field' }, h('label', { for: 'mobil-kostenstelle' }, f.costCentre), h('p', { class: 'hint', id: 'mobil-kostenstelle-hinweis' }, f.costCentreHint), costCentreInput),
      h('div', { class: 'field' }, h('label', { for: 'mobil-status' }, f.status), statusSelect),
      h('div', { class: 'field' }, h('label', { for: 'mobil-endet' }, f.endsBy), h('p', { class: 'hint', id: 'mobil-endet-hinweis' }, f.endsByHint), endsInput)),
    h('div', { class: 'toolbar' },
      h('button', { type: 'submit', class: 'button button-primary' }, f.submit),
      h('button', { type: 'button', class: 'button', onclick: () => resetFilter() }, f.reset))));

function readFilter(): void {
  filter.q = searchInput.value.trim();
  filter.kostenstelle = costCentreInput.value.trim();
  filter.status = statusSelect.value;
  filter.endetBis = endsInput.value;
}

function resetFilter(): void {
  Object.assign(filter, { q: '', kostenstelle: '', status: '', endetBis: '' });
  fieldsFromFilter();
  offset = 0;
  costOffset = 0;
  void loadAll();
}

// ---------- layout ----------
const intro = h('p', {}, texts.introOwn);
const count = h('p', { role: 'status', class: 'result-count' });
const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, sharedTexts.loading));
const pager = h('nav', { class: 'pager', 'aria-label': texts.contractsPaging });
const costs = h('section', { class: 'kosten', 'aria-labelledby': 'kosten-titel', hidden: true });
const costResults = h('div', { 'aria-busy': 'true' });
const costPager = h('nav', { class: 'pager', 'aria-label': texts.costs.paging });
append(costs, [h('h2', { id: 'kosten-titel' }, texts.costs.heading), costResults, costPager]);
append(shell.main, [h('h1', {}, texts.heading), intro, form, count, results, pager, costs]);
fieldsFromFilter();

void (async () => {
  try {
    const me = await shell.me;
    mayManage = me?.roles.includes('itservice') ?? false;
  } catch {
    mayManage = false;
  }
  intro.textContent = mayManage ? texts.introAll : texts.introOwn;
  costs.hidden = !mayManage;
  await loadAll();
})();

async function loadAll(): Promise<void> {
  keepInAddress();
  await Promise.all([loadContracts(), mayManage ? loadCosts() : Promise.resolve()]);
}

function keepInAddress(): void {
  const address = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) address.set(k, v);
  if (offset) address.set('offset', String(offset));
  history.replaceState(null, '', `${location.pathname}${address.size ? `?${address}` : ''}`);
}

async function loadContracts(): Promise<void> {
  results.setAttribute('aria-busy', 'true');
  try {
    const page = await api.get<Page<Vertrag>>(`/api/mobilfunk/vertraege${query({ ...filter, offset, limit: pageSize })}`);
    clearMessages();
    const total = page.total ?? page.items.length;
    replace(results, page.items.length === 0 ? h('p', {}, texts.contracts.empty) : contractTable(page.items));
    count.textContent = total === 1 ? texts.contracts.foundOne : fill(texts.contracts.found, { count: formatNumber(total) });
    renderPager(pager, total, offset, pageSize, (o) => { offset = o; keepInAddress(); void loadContracts(); });
  } catch (e) {
    replace(results);
    showError(e);
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}

function contractTable(items: Vertrag[]): HTMLElement {
  const c = texts.contracts;
  const heads = [c.number, c.staff, c.costCentre, c.tariff, c.device, c.phone, c.status, c.monthly, c.yearly, c.devicePrice, c.termEnd];
  // Focusable, so a table wider than the screen scrolls by keyboard too.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': c.caption },
    h('table', { class: 'data mobilfunk-table' },
      h('caption', {}, c.caption),
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((v) => h('tr', { 'data-vertrag': v.id },
        h('th', { scope: 'row' }, v.id),
        h('td', {}, v.mitarbeiter),
        h('td', {}, v.kostenstelle),
        h('td', {}, v.tarif ?? v.tarifId),
        h('td', {}, v.geraet ?? c.simOnly),
        h('td', {}, v.rufnummer ?? c.none),
        h('td', {}, texts.status[v.status] ?? v.status),
        h('td', { class: 'number' }, euro.format(v.grundgebuehr)),
        h('td', { class: 'number' }, euro.format(v.kostenJahr)),
        h('td', { class: 'number' }, v.geraet ? euro.format(v.geraetepreis) : c.none),
        h('td', {}, day(v.mindestlaufzeitEnde)))))));
}

async function loadCosts(): Promise<void> {
  costResults.setAttribute('aria-busy', 'true');
  try {
    const k = await api.get<Kosten>(`/api/mobilfunk/kosten${query({ kostenstelle: filter.kostenstelle, offset: costOffset, limit: costPageSize })}`);
    const total = k.total ?? k.items.length;
    replace(costResults, k.items.length === 0 ? h('p', {}, texts.costs.empty) : costTable(k));
    renderPager(costPager, total, costOffset, costPageSize, (o) => { costOffset = o; void loadCosts(); });
  } catch (e) {
    replace(costResults);
    showError(e);
  } finally {
    costResults.setAttribute('aria-busy', 'false');
  }
}

function costTable(k: Kosten): HTMLElement {
  const c = texts.costs;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': c.caption },
    h('table', { class: 'data kosten-table' },
      h('caption', {}, c.caption),
      h('thead', {}, h('tr', {}, [c.costCentre, c.contracts, c.monthly, c.yearly, c.devices].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, k.items.map((s) => h('tr', { 'data-kostenstelle': s.kostenstelle },
        h('th', { scope: 'row' }, s.kostenstelle),
        h('td', { class: 'number' }, formatNumber(s.vertraege)),
        h('td', { class: 'number' }, euro.format(s.monatlich)),
        h('td', { class: 'number' }, euro.format(s.jaehrlich)),
        h('td', { class: 'number' }, euro.format(s.geraete))))),
      h('tfoot', {}, h('tr', {},
        h('th', { scope: 'row' }, filter.kostenstelle ? c.totalFiltered : c.total),
        h('td', {}, formatNumber(k.gesamt.vertraege)),
        h('td', {}, euro.format(k.gesamt.monatlich)),
        h('td', {}, euro.format(k.gesamt.jaehrlich)),
        h('td', {}, euro.format(k.gesamt.geraete))))));
}

function renderPager(nav: HTMLElement, total: number, at: number, size: number, go: (offset: number) => void): void {
  const p = sharedTexts.paging;
  const from = total === 0 ? 0 : at + 1;
  const to = Math.min(at + size, total);
  nav.hidden = total <= size;
  replace(nav,
    h('button', { type: 'button', class: 'button', disabled: at === 0, onclick: () => go(Math.max(0, at - size)) }, p.previous),
    h('span', {}, total === 0 ? p.empty : fill(p.range, { from: formatNumber(from), to: formatNumber(to), total: formatNumber(total) })),
    h('button', { type: 'button', class: 'button', disabled: at + size >= total, onclick: () => go(at + size) }, p.next));
}
