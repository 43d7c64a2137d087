// Two versions of a process compared (/analyse/{processId}/vergleich?a=&b=, issue 11 item 5): the model diff from
// bpmn-js-differ on both diagrams (A: removed and changed, B: added and changed) and as a table, then the figures of
// both versions over one period side by side (GET /api/analytics/{processId}?version=), with lead time per week as a
// chart of both lines and as a table.

import { diff, type Changes } from 'bpmn-js-differ';
import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatNumber } from '../../shared/format';
import { showError, clearMessages } from '../../shared/messages';
import { processes, versionXml, type ProcessSummary } from '../../designer/api';
import { analytics, defaultPeriod, type Analytics, type Period } from '../../analyse/api';
import { createViewer, describe, type Canvas, type Viewer } from '../../analyse/diagram';
import { formatDuration, formatChange, formatDay } from '../../analyse/format';
import { lineChart } from '../../analyse/chart';
import { scrollable } from '../../analyse/tables';
import { analyseTexts as t } from '../../analyse/texts';
import { texts } from './texts';

const processId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const shell = mountShell({ title: texts.title, signedIn: true });
const params = new URLSearchParams(location.search);
const initial = defaultPeriod();
let period: Period = { from: params.get('from') ?? initial.from, to: params.get('to') ?? initial.to };
let a = Number(params.get('a') ?? 0);
let b = Number(params.get('b') ?? 0);

const heading = h('h1', {}, fill(texts.heading, { process: processId }));
const selectA = h('select', { id: 'vergleich-a' });
const selectB = h('select', { id: 'vergleich-b' });
const fromInput = h('input', { type: 'date', id: 'vergleich-von', value: period.from, required: true });
const toInput = h('input', { type: 'date', id: 'vergleich-bis', value: period.to, required: true });
const form = h('form', { class: 'inline-fields', onsubmit: (e: Event) => { e.preventDefault(); void choose(); } },
  h('div', { class: 'field' }, h('label', { for: 'vergleich-a' }, texts.versionA), selectA),
  h('div', { class: 'field' }, h('label', { for: 'vergleich-b' }, texts.versionB), selectB),
  h('div', { class: 'field' }, h('label', { for: 'vergleich-von' }, t.period.from), fromInput),
  h('div', { class: 'field' }, h('label', { for: 'vergleich-bis' }, t.period.to), toInput),
  h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button button-primary' }, t.period.submit)));
const canvasA = h('div', { class: 'analyse-canvas', id: 'vergleich-a-diagramm' });
const canvasB = h('div', { class: 'analyse-canvas', id: 'vergleich-b-diagramm' });
const captionA = h('figcaption', { id: 'vergleich-a-beschreibung' });
const captionB = h('figcaption', { id: 'vergleich-b-beschreibung' });
const changesEl = h('section', { 'aria-labelledby': 'vergleich-aenderungen' });
const figuresEl = h('section', { 'aria-labelledby': 'vergleich-kennzahlen', 'aria-busy': 'true' });
const backLink = h('a', { href: `/analyse/${encodeURIComponent(processId)}` }, texts.back);

append(shell.main, [
  h('p', {}, backLink),
  heading,
  h('p', {}, texts.intro),
  form,
  h('div', { class: 'analyse-canvas-pair' },
    h('figure', {}, canvasA, captionA),
    h('figure', {}, canvasB, captionB)),
  changesEl,
  figuresEl,
]);

let viewers: Viewer[] = [];
void start();

async function start(): Promise<void> {
  try {
    const p: ProcessSummary = await processes.get(processId);
    heading.textContent = fill(texts.heading, { process: p.name ?? processId });
    const versions = p.versions.map((v) => v.version).sort((x, y) => x - y);
    if (versions.length < 2) {
      replace(changesEl, h('p', {}, texts.needTwo));
      figuresEl.setAttribute('aria-busy', 'false');
      return;
    }
    if (!versions.includes(b)) b = versions[versions.length - 1];
    if (!versions.includes(a) || a === b) a = versions.filter((v) => v !== b).pop() ?? versions[0];
    for (const [select, chosen] of [[selectA, a], [selectB, b]] as const)
      replace(select, versions.map((v) => h('option', { value: String(v), selected: v === chosen }, fill(t.version, { version: v }))));
    await load();
  } catch (e) {
    showError(e);
  }
}

async function choose(): Promise<void> {
  a = Number(selectA.value);
  b = Number(selectB.value);
  period = { from: fromInput.value, to: toInput.value };
  await load();
}

async function load(): Promise<void> {
  const q = new URLSearchParams({ a: String(a), b: String(b), from: period.from, to: period.to });
  history.replaceState(null, '', `${location.pathname}?${q}`);
  backLink.setAttribute('href', `/analyse/${encodeURIComponent(processId)}?${new URLSearchParams({ from: period.from, to: period.to, version: String(b) })}`);
  figuresEl.setAttribute('aria-busy', 'true');
  try {
    const [xmlA, xmlB, figA, figB] = await Promise.all([versionXml(processId, a), versionXml(processId, b),
      analytics.get(processId, period, a), analytics.get(processId, period, b)]);
    clearMessages();
    for (const v of viewers) v.destroy();
    replace(canvasA);
    replace(canvasB);
    viewers = [await createViewer(canvasA, xmlA), await createViewer(canvasB, xmlB)];
    describe(canvasA, captionA.id);
    describe(canvasB, captionB.id);
    captionA.textContent = fill(texts.diagramA, { version: a });
    captionB.textContent = fill(texts.diagramB, { version: b });
    const changes = diff(viewers[0].getDefinitions(), viewers[1].getDefinitions());
    mark(changes);
    replace(changesEl, h('h2', { id: 'vergleich-aenderungen' }, texts.changes.heading), changeTable(changes));
    replace(figuresEl, h('h2', { id: 'vergleich-kennzahlen' }, texts.figures.heading), summaryTable(figA, figB), elementTable(figA, figB), chart(figA, figB));
  } catch (e) {
    showError(e);
  } finally {
    figuresEl.setAttribute('aria-busy', 'false');
  }
}

function mark(changes: Changes): void {
  const [va, vb] = viewers;
  const ca = va.get<Canvas>('canvas');
  const cb = vb.get<Canvas>('canvas');
  const has = (v: Viewer, id: string) => !!v.get<{ get(id: string): unknown }>('elementRegistry').get(id);
  for (const id of Object.keys(changes._removed)) if (has(va, id)) ca.addMarker(id, 'diff-removed');
  for (const id of Object.keys(changes._added)) if (has(vb, id)) cb.addMarker(id, 'diff-added');
  for (const id of Object.keys(changes._changed)) {
    if (has(va, id)) ca.addMarker(id, 'diff-changed');
    if (has(vb, id)) cb.addMarker(id, 'diff-changed');
  }
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    const o = value as { id?: string; name?: string; $type?: string };
    return o.name ?? o.id ?? o.$type ?? JSON.stringify(value);
  }
  return String(value);
}

function changeTable(changes: Changes): HTMLElement {
  const c = texts.changes;
  const rows: HTMLElement[] = [];
  const kind = (k: 'added' | 'removed' | 'changed', label: string) => h('td', {}, h('span', { class: `diff-kind diff-kind-${k}` }, label));
  const name = (m: { id?: string; name?: string; $type: string }) => `${m.name ?? m.id ?? ''}${m.name && m.id ? ` (${m.id})` : ''}`;
  for (const [id, m] of Object.entries(changes._added))
    rows.push(h('tr', { 'data-diff': 'added', 'data-element-id': id }, h('th', { scope: 'row' }, name(m)), kind('added', c.added), h('td', {}, m.$type.replace('bpmn:', ''))));
  for (const [id, m] of Object.entries(changes._removed))
    rows.push(h('tr', { 'data-diff': 'removed', 'data-element-id': id }, h('th', { scope: 'row' }, name(m)), kind('removed', c.removed), h('td', {}, m.$type.replace('bpmn:', ''))));
  for (const [id, ch] of Object.entries(changes._changed))
    rows.push(h('tr', { 'data-diff': 'changed', 'data-element-id': id }, h('th', { scope: 'row' }, name(ch.model)), kind('changed', c.changed),
      h('td', {}, h('ul', { class: 'link-list' }, Object.entries(ch.attrs).map(([attr, v]) =>
        h('li', {}, fill(c.attribute, { attribute: attr, old: text(v.oldValue), new: text(v.newValue) })))))));
  if (rows.length === 0) return h('p', {}, c.none);
  return scrollable(fill(c.caption, { a, b }),
    h('table', { class: 'data analyse-diff' },
      h('caption', {}, fill(c.caption, { a, b })),
      h('thead', {}, h('tr', {}, [c.element, c.kind, c.details].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

function summaryTable(fa: Analytics, fb: Analytics): HTMLElement {
  const f = texts.figures;
  const s = t.summary;
  const row = (label: string, x: number | null, y: number | null, show: (n: number | null) => string) =>
    h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'number' }, show(x)), h('td', { class: 'number' }, show(y)), h('td', { class: 'number' }, formatChange(x, y)));
  const n = (v: number | null) => (v === null ? '–' : formatNumber(v));
  return scrollable(fill(f.caption, { a, b }),
    h('table', { class: 'data analyse-compare' },
      h('caption', {}, fill(f.caption, { a, b })),
      h('thead', {}, h('tr', {}, [f.figure, fill(t.version, { version: a }), fill(t.version, { version: b }), f.change].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {},
        row(s.started, fa.instances.started, fb.instances.started, n),
        row(s.completed, fa.instances.completed, fb.instances.completed, n),
        row(s.cancelled, fa.instances.cancelled, fb.instances.cancelled, n),
        row(s.leadMedian, fa.leadTime.medianMs, fb.leadTime.medianMs, formatDuration),
        row(s.leadP90, fa.leadTime.p90Ms, fb.leadTime.p90Ms, formatDuration),
        row(s.incidents, fa.incidents, fb.incidents, n),
        row(s.fristen, fa.fristenMissed, fb.fristenMissed, n))));
}

function elementTable(fa: Analytics, fb: Analytics): HTMLElement {
  const f = texts.figures;
  const ids = [...new Set([...fa.elements, ...fb.elements].filter((e) => e.count > 0 || e.name).map((e) => e.elementId))];
  const byA = new Map(fa.elements.map((e) => [e.elementId, e]));
  const byB = new Map(fb.elements.map((e) => [e.elementId, e]));
  return scrollable(fill(f.elementsCaption, { a, b }),
    h('table', { class: 'data analyse-compare' },
      h('caption', {}, fill(f.elementsCaption, { a, b })),
      h('thead', {}, h('tr', {}, [t.elements.element, f.countA, f.countB, f.medianA, f.medianB, f.p90A, f.p90B].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ids.map((id) => {
        const x = byA.get(id);
        const y = byB.get(id);
        return h('tr', { 'data-element-id': id },
          h('th', { scope: 'row' }, y?.name ?? x?.name ?? id),
          h('td', { class: 'number' }, x ? formatNumber(x.count) : '–'),
          h('td', { class: 'number' }, y ? formatNumber(y.count) : '–'),
          h('td', { class: 'number' }, formatDuration(x?.duration.medianMs)),
          h('td', { class: 'number' }, formatDuration(y?.duration.medianMs)),
          h('td', { class: 'number' }, formatDuration(x?.duration.p90Ms)),
          h('td', { class: 'number' }, formatDuration(y?.duration.p90Ms)));
      }))));
}

function chart(fa: Analytics, fb: Analytics): HTMLElement {
  const c = texts.chart;
  const labels = fa.weeks.map((w) => w.weekStart);
  const svg = lineChart(labels, [
    { name: fill(t.version, { version: a }), className: 'series-a', values: fa.weeks.map((w) => w.medianMs) },
    { name: fill(t.version, { version: b }), className: 'series-b', values: fb.weeks.map((w) => w.medianMs) },
  ], fill(c.label, { a, b }));
  return h('div', {},
    h('h3', {}, c.heading),
    h('figure', { class: 'analyse-chart' }, svg),
    h('details', {}, h('summary', {}, c.table),
      scrollable(fill(c.caption, { a, b }), h('table', { class: 'data' },
        h('caption', {}, fill(c.caption, { a, b })),
        h('thead', {}, h('tr', {}, [t.weeks.week, fill(t.version, { version: a }), fill(t.version, { version: b })].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, fa.weeks.map((w, i) => h('tr', {}, h('th', { scope: 'row' }, formatDay(w.weekStart)),
          h('td', { class: 'number' }, formatDuration(w.medianMs)), h('td', { class: 'number' }, formatDuration(fb.weeks[i]?.medianMs)))))))));
}
