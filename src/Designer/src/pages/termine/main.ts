// The Bürgerbüro's day view (/termine): the appointments of one place and day by time and counter, with service, name,
// number and status (gebucht, erschienen, nicht erschienen, abgesagt), paged on the server
// (GET /api/termine/tagesansicht, 100 a page). Clerks mark today's booked appointments as attended
// (POST /api/termine/{id}/erschienen) or, once begun, as missed (…/nicht-erschienen); the server decides and answers
// 409 otherwise. Days change with the buttons, the date field, or Alt+PageUp/PageDown; place and day are kept in
// the address.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatNumber } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { api, query, type Page } from '../../shared/api';
import { texts } from './texts';
import './termine.css';

interface Standort {
  id: string;
  name: string;
  aktiv: boolean;
}

interface Termin {
  id: string;
  schalter: number;
  dienstleistungName: string;
  von: string;
  bis: string;
  uhrzeit: string;
  status: string;
  name: string;
}

const shell = mountShell({ title: texts.title, signedIn: true });
const pageSize = 100;
const zone = 'Europe/Berlin';
const params = new URLSearchParams(location.search);
let standort = params.get('standort') ?? '';
let datum = /^\d{4}-\d{2}-\d{2}$/.test(params.get('datum') ?? '') ? params.get('datum')! : heute();
let nurOffene = params.get('alle') === 'false';
let offset = 0;

/** Today in the Bürgerbüro's time zone, as yyyy-mm-dd. */
function heute(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone }).format(new Date());
}

function plusTage(iso: string, tage: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + tage);
  return d.toISOString().slice(0, 10);
}

function langesDatum(iso: string): string {
  return new Intl.DateTimeFormat('de-DE', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${iso}T12:00:00Z`));
}

function uhrzeit(iso: string): string {
  return new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(iso));
}

// ---------- controls ----------
const placeSelect = h('select', { id: 'termine-standort', name: 'standort', onchange: () => { standort = placeSelect.value; offset = 0; void load(); } });
const dateInput = h('input', { type: 'date', id: 'termine-datum', name: 'datum', required: true, 'aria-describedby': 'termine-tastatur',
  onchange: () => { if (dateInput.value) go(dateInput.value); } });
const openBox = h('input', { type: 'checkbox', id: 'termine-offen', name: 'offen', onchange: () => { nurOffene = openBox.checked; offset = 0; void load(); } });
const controls = h('div', { class: 'termine-controls' },
  h('div', { class: 'field' }, h('label', { for: 'termine-standort' }, texts.place), placeSelect),
  h('div', { class: 'field' }, h('label', { for: 'termine-datum' }, texts.date), dateInput));
const dayNav = h('div', { class: 'termine-daynav', role: 'group', 'aria-label': texts.dayNav },
  h('button', { type: 'button', class: 'button', 'aria-keyshortcuts': 'Alt+PageUp', onclick: () => go(plusTage(datum, -1)) }, texts.previousDay),
  h('button', { type: 'button', class: 'button', onclick: () => go(heute()) }, texts.today),
  h('button', { type: 'button', class: 'button', 'aria-keyshortcuts': 'Alt+PageDown', onclick: () => go(plusTage(datum, 1)) }, texts.nextDay));
const count = h('p', { role: 'status', class: 'result-count' });
const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, sharedTexts.loading));
const pager = h('nav', { class: 'pager', 'aria-label': texts.paging });
append(shell.main, [
  h('h1', {}, texts.heading), h('p', {}, texts.intro),
  controls, h('p', { class: 'hint', id: 'termine-tastatur' }, texts.keyboardHint), dayNav,
  h('div', { class: 'checkbox' }, openBox, h('label', { for: 'termine-offen' }, texts.onlyOpen)),
  count, results, pager,
]);
dateInput.value = datum;
openBox.checked = nurOffene;

document.addEventListener('keydown', (e) => {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const next = e.key === 'PageUp' ? plusTage(datum, -1) : e.key === 'PageDown' ? plusTage(datum, 1)  : null;
  if (next === null) return;
  e.preventDefault();
  go(next);
});

function go(day: string): void {
  datum = day;
  dateInput.value = day;
  offset = 0;
  void load();
}

void start();

async function start(): Promise<void> {
  try {
    const places = (await api.get<Page<Standort>>('/api/termine/standorte?limit=500')).items;
    if (places.length === 0) {
      replace(results, h('p', {}, texts.noPlaces));
      results.setAttribute('aria-busy', 'false');
      return;
    }
    if (!places.some((p) => p.id === standort)) standort = (places.find((p) => p.aktiv) ?? places[0]).id;
    replace(placeSelect, places.map((p) => h('option', { value: p.id, selected: p.id === standort }, p.name)));
    placeSelect.value = standort;
    await load();
  } catch (e) {
    replace(results);
    results.setAttribute('aria-busy', 'false');
    showError(e);
  }
}

async function load(focusId?: string): Promise<void> {
  if (!standort) return;
  results.setAttribute('aria-busy', 'true');
  const address = new URLSearchParams({ standort, datum });
  if (nurOffene) address.set('alle', 'false');
  history.replaceState(null, '', `${location.pathname}?${address}`);
  try {
    const page = await api.get<Page<Termin>>(`/api/termine/tagesansicht${query({ standort, datum, alle: nurOffene ? 'false' : null, offset, limit: pageSize })}`);
    const total = page.total ?? page.items.length;
    replace(results, page.items.length === 0 ? h('p', {}, texts.empty) : table(page.items));
    count.textContent = total === 1 ? texts.foundOne : fill(texts.found, { count: formatNumber(total) });
    renderPager(total);
    if (focusId) results.querySelector<HTMLElement>(`tr[data-termin="${CSS.escape(focusId)}"] th`)?.focus();
  } catch (e) {
    replace(results);
    showError(e);
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}

function table(items: Termin[]): HTMLElement {
  const c = texts.columns;
  const placeName = placeSelect.selectedOptions[0]?.textContent ?? standort;
  const caption = fill(texts.caption, { date: langesDatum(datum), place: placeName });
  // Focusable, so a table wider than the screen scrolls by keyboard too.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'data termine-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, [c.time, c.counter, c.service, c.name, c.number, c.status, c.actions].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(row))));
}

function row(t: Termin): HTMLElement {
  const time = `${uhrzeit(t.von)}–${uhrzeit(t.bis)}`;
  return h('tr', { 'data-termin': t.id },
    h('th', { scope: 'row', class: 'time', tabindex: '-1' }, time),
    h('td', {}, String(t.schalter)),
    h('td', {}, t.dienstleistungName),
    h('td', {}, t.name),
    h('td', {}, h('code', {}, t.id)),
    h('td', {}, h('span', { class: `badge status-${t.status}` }, texts.status[t.status] ?? t.status)),
    h('td', { class: 'actions' }, actions(t)));
}

function actions(t: Termin): HTMLElement[] {
  if (t.status !== 'gebucht') return [];
  const now = Date.now();
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: zone }).format(new Date(t.von)) === heute();
  const begun = new Date(t.von).getTime() <= now;
  const list: HTMLElement[] = [];
  const values = { name: t.name, time: t.uhrzeit };
  if (today) {
    list.push(h('button', { type: 'button', class: 'button button-small button-primary', 'aria-label': fill(texts.attendedFor, values),
      onclick: () => mark(t, 'erschienen') }, texts.attended));
  }
  if (begun) {
    list.push(h('button', { type: 'button', class: 'button button-small', 'aria-label': fill(texts.missedFor, values),
      onclick: () => mark(t, 'nicht-erschienen') }, texts.missed));
  }
  if (list.length === 0) list.push(h('span', { class: 'muted' }, texts.notYet));
  return list;
}

async function mark(t: Termin, what: 'erschienen' | 'nicht-erschienen'): Promise<void> {
  try {
    await api.post(`/api/termine/${encodeURIComponent(t.id)}/${what}`);
    showStatus(fill(what === 'erschienen' ? texts.attendedDone : texts.missedDone, { number: t.id, name: t.name }));
    await load(t.id);
  } catch (e) {
    showError(e);
  }
}

function renderPager(total: number): void {
  const p = sharedTexts.paging;
  pager.hidden = total <= pageSize;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + pageSize, total);
  replace(pager,
    h('button', { type: 'button', class: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - pageSize); void load(); } }, p.previous),
    h('span', {}, total === 0 ? p.empty : fill(p.range, { from, to, total })),
    h('button', { type: 'button', class: 'button', disabled: offset + pageSize >= total, onclick: () => { offset += pageSize; void load(); } }, p.next));
}
