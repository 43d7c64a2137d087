// The operators' cockpit (/betrieb): cases by process, version and state with filters (Aktenzeichen, started between,
// with incident), paged on the server (GET /api/process-instances); the filter and page are kept in the address.
// Batch operations on the selection or on every case of the filter run in the background (POST /api/batches/…),
// with their progress and a result report per case. Every call is a documented API endpoint.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatDateTime, formatNumber } from '../../shared/format';
import { showError, showStatus, clearMessages } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { ApiError } from '../../shared/api';
import { formDialog } from '../../shared/dialog';
import { processes } from '../../designer/api';
import { cockpit, type InstanceFilter, type InstanceSummary, type CaseState } from '../../betrieb/api';
import { mountMigration } from '../../betrieb/migration';
import { mountBatches, refreshBatches } from './batches';
import { texts } from './texts';
import './betrieb.css';

const shell = mountShell({ title: texts.title, signedIn: true });
const pageSize = 25;
const params = new URLSearchParams(location.search);
const filter: InstanceFilter = {
  processId: params.get('processId') ?? '',
  version: Number(params.get('version')) || undefined,
  state: (params.get('state') ?? '') as CaseState | '',
  businessKey: params.get('businessKey') ?? '',
  startedFrom: params.get('startedFrom') ?? '',
  startedTo: params.get('startedTo') ?? '',
  withIncident: params.get('withIncident') === 'true' ? true : undefined,
};
let offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
let total = 0;
let rows: InstanceSummary[] = [];
const selected = new Set<string>();
const f = texts.filter;

// ---------- filter form ----------
const processSelect = h('select', { id: 'filter-prozess', name: 'processId' }, h('option', { value: '' }, f.anyProcess));
const versionInput = h('input', { type: 'number', id: 'filter-version', name: 'version', min: '1', inputmode: 'numeric', 'aria-describedby': 'filter-version-hinweis' });
const stateSelect = h('select', { id: 'filter-zustand', name: 'state' },
  Object.entries(f.states).map(([value, text]) => h('option', { value }, text)));
const keyInput = h('input', { type: 'search', id: 'filter-az', name: 'businessKey', 'aria-describedby': 'filter-az-hinweis' });
const fromInput = h('input', { type: 'date', id: 'filter-von', name: 'startedFrom' });
const toInput = h('input', { type: 'date', id: 'filter-bis', name: 'startedTo' });
const incidentBox = h('input', { type: 'checkbox', id: 'filter-stoerung', name: 'withIncident' });

function fieldsFromFilter(): void {
  processSelect.value = filter.processId ?? '';
  versionInput.value = filter.version ? String(filter.version) : '';
  stateSelect.value = filter.state ?? '';
  keyInput.value = filter.businessKey ?? '';
  fromInput.value = filter.startedFrom ?? '';
  toInput.value = filter.startedTo ?? '';
  incidentBox.checked = filter.withIncident === true;
}

const form = h('form', { class: 'betrieb-filter', onsubmit: (e: Event) => { e.preventDefault(); readFilter(); offset = 0; void load(); } },
  h('fieldset', {},
    h('legend', {}, f.legend),
    h('div', { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'filter-prozess' }, f.process), processSelect),
      h('div', { class: 'field field-narrow' }, h('label', { for: 'filter-version' }, f.version), h('p', { class: 'hint', id: 'filter-version-hinweis' }, f.versionHint), versionInput),
      h('div', { class: 'field' }, h('label', { for: 'filter-zustand' }, f.state), stateSelect),
      h('div', { class: 'field' }, h('label', { for: 'filter-az' }, f.businessKey), h('p', { class: 'hint', id: 'filter-az-hinweis' }, f.businessKeyHint), keyInput),
      h('div', { class: 'field' }, h('label', { for: 'filter-von' }, f.startedFrom), fromInput),
      h('div', { class: 'field' }, h('label', { for: 'filter-bis' }, f.startedTo), toInput)),
    h('div', { class: 'checkbox' }, incidentBox, h('label', { for: 'filter-stoerung' }, f.withIncident)),
    h('div', { class: 'toolbar' },
      h('button', { type: 'submit', class: 'button button-primary' }, f.submit),
      h('button', { type: 'button', class: 'button', onclick: () => { resetFilter(); } }, f.reset))));

function readFilter(): void {
  filter.processId = processSelect.value;
  filter.version = Number(versionInput.value) || undefined;
  filter.state = stateSelect.value as CaseState | '';
  filter.businessKey = keyInput.value.trim();
  filter.startedFrom = fromInput.value;
  filter.startedTo = toInput.value;
  filter.withIncident = incidentBox.checked ? true : undefined;
}

function resetFilter(): void {
  Object.assign(filter, { processId: '', version: undefined, state: '', businessKey: '', startedFrom: '', startedTo: '', withIncident: undefined });
  fieldsFromFilter();
  offset = 0;
  void load();
}

/** The filter as the API takes it: "bis einschließlich" a day is before the next day's start. */
function apiFilter(): InstanceFilter {
  const to = filter.startedTo ? new Date(`${filter.startedTo}T00:00:00Z`) : null;
  if (to) to.setUTCDate(to.getUTCDate() + 1);
  return { ...filter, startedTo: to ? to.toISOString().slice(0, 10) : '' };
}

// ---------- results ----------
const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, sharedTexts.loading));
const count = h('p', { role: 'status', class: 'result-count' });
const pager = h('nav', { class: 'pager', 'aria-label': sharedTexts.paging.label });
const batchArea = h('section', { class: 'batch-actions', 'aria-labelledby': 'sammel-titel' });
const migrationArea = h('div', { class: 'migration-panel', id: 'migration-bereich' });
const batchesArea = h('section', { class: 'batches', 'aria-labelledby': 'sammelaktionen-titel' });
append(shell.main, [h('h1', {}, texts.heading), h('p', {}, texts.intro), form, count, results, pager, batchArea, migrationArea, batchesArea]);
fieldsFromFilter();
void loadProcesses();
void load();
mountBatches(batchesArea);

async function loadProcesses(): Promise<void> {
  try {
    const page = await processes.list('', 0, 500);
    append(processSelect, page.items.map((p) => h('option', { value: p.processId, selected: p.processId === filter.processId }, p.name ? `${p.name} (${p.processId})` : p.processId)));
  } catch (e) {
    showError(e);
  }
}

async function load(): Promise<void> {
  results.setAttribute('aria-busy', 'true');
  const address = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, withIncident: filter.withIncident ? 'true' : '' })) if (v) address.set(k, String(v));
  if (offset) address.set('offset', String(offset));
  history.replaceState(null, '', `${location.pathname}${address.size ? `?${address}` : ''}`);
  try {
    const page = await cockpit.list(apiFilter(), offset, pageSize);
    clearMessages();
    rows = page.items;
    total = page.total ?? rows.length;
    replace(results, rows.length === 0 ? h('p', {}, texts.empty) : table());
    count.textContent = fill(texts.found, { count: formatNumber(total) });
    renderPager();
    renderBatchActions();
  } catch (e) {
    replace(results);
    showError(e);
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}

function caseName(r: InstanceSummary): string {
  return r.businessKey ?? r.id;
}

function stateBadge(r: InstanceSummary): HTMLElement {
  const state: keyof typeof texts.stateNames = r.state === 'running' && r.openIncidents > 0 ? 'incident' : r.state;
  return h('span', { class: `badge state-${state}` }, texts.stateNames[state]);
}

function table(): HTMLElement {
  const c = texts.columns;
  const all = h('input', { type: 'checkbox', id: 'auswahl-seite', 'aria-label': texts.selectPage, checked: rows.every((r) => selected.has(r.id)),
    onchange: (e: Event) => {
      const on = (e.target as HTMLInputElement).checked;
      for (const r of rows) if (on) selected.add(r.id); else selected.delete(r.id);
      replace(results, table());
      renderBatchActions();
    } });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data case-table' },
      h('caption', {}, texts.caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, all),
        [c.businessKey, c.process, c.state, c.startedAt, c.endedAt, c.incidents].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-instance-id': r.id },
        h('td', {}, h('input', { type: 'checkbox', checked: selected.has(r.id), 'aria-label': fill(texts.selectRow, { name: caseName(r) }),
          onchange: (e: Event) => { if ((e.target as HTMLInputElement).checked) selected.add(r.id); else selected.delete(r.id); renderBatchActions(); } })),
        h('th', { scope: 'row' }, h('a', { href: `/betrieb/${encodeURIComponent(r.id)}` }, r.businessKey ?? h('span', {}, texts.noBusinessKey, ' ', h('code', {}, r.id.slice(0, 8))))),
        h('td', {}, `${r.processId} v${r.version}`),
        h('td', {}, stateBadge(r)),
        h('td', {}, formatDateTime(r.startedAt)),
        h('td', {}, formatDateTime(r.endedAt)),
        h('td', { class: 'number' }, r.openIncidents > 0 ? h('span', { class: 'badge badge-overdue' }, formatNumber(r.openIncidents)) : '0'))))));
}

function renderPager(): void {
  const p = sharedTexts.paging;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + pageSize, total);
  replace(pager,
    h('button', { type: 'button', class: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - pageSize); void load(); } }, p.previous),
    h('span', {}, total === 0 ? p.empty : fill(p.range, { from, to, total })),
    h('button', { type: 'button', class: 'button', disabled: offset + pageSize >= total, onclick: () => { offset += pageSize; void load(); } }, p.next));
}

// ---------- batch operations ----------
let scope: 'selected' | 'all' = 'selected';

function renderBatchActions(): void {
  const b = texts.batch;
  const radio = (value: 'selected' | 'all', label: string) => h('div', { class: 'checkbox' },
    h('input', { type: 'radio', name: 'sammel-umfang', id: `umfang-${value}`, value, checked: scope === value,
      onchange: () => { scope = value; } }),
    h('label', { for: `umfang-${value}` }, label));
  const canMigrate = Boolean(filter.processId && filter.version);
  replace(batchArea,
    h('h2', { id: 'sammel-titel' }, b.heading),
    h('fieldset', {}, h('legend', {}, b.scope),
      radio('selected', fill(b.scopeSelected, { count: formatNumber(selected.size) })),
      radio('all', fill(b.scopeAll, { count: formatNumber(total) }))),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'button', onclick: () => void retry() }, b.retry),
      h('button', { type: 'button', class: 'button button-warning', onclick: () => void cancelCases() }, b.cancel),
      h('button', { type: 'button', class: 'button', onclick: () => void setVariable() }, b.setVariable),
      h('button', { type: 'button', class: 'button', disabled: !canMigrate, 'aria-describedby': canMigrate ? null : 'migrieren-hinweis', onclick: () => void migrate() }, b.migrate)),
    canMigrate ? null : h('p', { class: 'hint', id: 'migrieren-hinweis' }, b.migrateNeedsFilter));
}

/** The cases a batch means, or null (with a message) when nothing is chosen. */
function target(): { instanceIds?: string[]; filter?: InstanceFilter; count: number } | null {
  if (scope === 'all') return total > 0 ? { filter: apiFilter(), count: total } : null;
  if (selected.size === 0) {
    showError(new ApiError(400, {}, texts.batch.nothingSelected));
    return null;
  }
  return { instanceIds: [...selected], count: selected.size };
}

/** The batch's reason: required, recorded in the journal of every case that has no reason of its own. */
function reasonField(): HTMLElement {
  const b = texts.batch;
  return h('div', { class: 'field' },
    h('label', { for: 'sammel-grund' }, b.reason),
    h('p', { class: 'hint', id: 'sammel-grund-hinweis' }, b.reasonHint),
    h('textarea', { id: 'sammel-grund', name: 'reason', required: true, maxlength: '500', rows: '2', 'aria-describedby': 'sammel-grund-hinweis' }));
}

/** Optional reasons of their own for the chosen cases (only for a selection: a filter's cases are not known here). */
function ownReasonFields(instanceIds: string[] | undefined): HTMLElement | null {
  if (!instanceIds || instanceIds.length === 0) return null;
  const b = texts.batch;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return h('fieldset', { class: 'own-reasons' }, h('legend', {}, b.ownReasons),
    h('p', { class: 'hint', id: 'eigene-gruende-hinweis' }, b.ownReasonsHint),
    instanceIds.map((id, n) => {
      const r = byId.get(id);
      return h('div', { class: 'field' },
        h('label', { for: `eigener-grund-${n}` }, fill(b.ownReason, { name: r ? caseName(r) : id })),
        h('textarea', { id: `eigener-grund-${n}`, name: `reason:${id}`, maxlength: '500', rows: '1', 'aria-describedby': 'eigene-gruende-hinweis' }));
    }));
}

/** The filled own reasons of a dialog's answer, by instance id (undefined when none was given). */
function ownReasons(data: FormData): Record<string, string> | undefined {
  const own: Record<string, string> = {};
  for (const [key, value] of data.entries())
    if (key.startsWith('reason:') && String(value).trim()) own[key.slice('reason:'.length)] = String(value).trim();
  return Object.keys(own).length > 0 ? own : undefined;
}

async function started(kind: Parameters<typeof cockpit.startBatch>[0], body: Parameters<typeof cockpit.startBatch>[1]): Promise<void> {
  try {
    const batch = await cockpit.startBatch(kind, body);
    showStatus(fill(texts.batch.started, { count: formatNumber(batch.total) }));
    selected.clear();
    await refreshBatches();
  } catch (e) {
    showError(e);
  }
}

async function retry(): Promise<void> {
  const t = target();
  if (!t) return;
  const b = texts.batch;
  const data = await formDialog(fill(b.confirmRetry, { count: formatNumber(t.count) }), [reasonField(), ownReasonFields(t.instanceIds)], b.start, b.confirmRetryText);
  if (!data) return;
  await started('retry', { instanceIds: t.instanceIds, filter: t.filter, reason: String(data.get('reason') ?? ''), reasons: ownReasons(data) });
}

async function cancelCases(): Promise<void> {
  const t = target();
  if (!t) return;
  const b = texts.batch;
  const data = await formDialog(fill(b.cancelTitle, { count: formatNumber(t.count) }), [reasonField(), ownReasonFields(t.instanceIds)], b.cancelConfirm);
  if (!data) return;
  await started('cancel', { instanceIds: t.instanceIds, filter: t.filter, reason: String(data.get('reason') ?? ''), reasons: ownReasons(data) });
}

async function setVariable(): Promise<void> {
  const t = target();
  if (!t) return;
  const b = texts.batch;
  const data = await formDialog(fill(b.variableTitle, { count: formatNumber(t.count) }), [
    h('div', { class: 'field' }, h('label', { for: 'sammel-name' }, b.variableName), h('input', { type: 'text', id: 'sammel-name', name: 'name', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'sammel-wert' }, b.variableValue), h('textarea', { id: 'sammel-wert', name: 'value', required: true, rows: '3' })),
    reasonField()], b.start);
  if (!data) return;
  let value: unknown;
  try {
    value = JSON.parse(String(data.get('value')));
  } catch {
    showError(new ApiError(400, {}, b.invalidJson));
    return;
  }
  await started('setVariables', { instanceIds: t.instanceIds, filter: t.filter, reason: String(data.get('reason') ?? ''), variables: { [String(data.get('name')).trim()]: value } });
}

async function migrate(): Promise<void> {
  const t = target();
  if (!t || !filter.processId || !filter.version) return;
  replace(migrationArea, h('h2', { id: 'migration-titel', tabindex: '-1' }, fill(texts.batch.migrateTitle, { count: formatNumber(t.count), from: filter.version })),
    h('div', { id: 'migration-inhalt' }));
  await mountMigration(migrationArea.querySelector<HTMLElement>('#migration-inhalt')!, {
    processId: filter.processId, fromVersion: filter.version, instanceIds: t.instanceIds, filter: t.filter, idPrefix: 'liste-migration',
    onDone: () => { void load(); void refreshBatches(); },
  }).catch(showError);
  migrationArea.querySelector<HTMLElement>('#migration-titel')?.focus();
}
