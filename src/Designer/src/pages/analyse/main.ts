// The KVP analysis of one process (/analyse/{processId}, issue 11 item 6): choose a period and a version; the figures
// come from GET /api/analytics/{processId}. A heatmap with the numbers on the diagram, the same numbers in tables
// (the accessible form), lead time per week as a chart and a table, and the CSV export. The choice is kept in the address.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { showError, clearMessages } from '../../shared/messages';
import { processes, versionXml, type ProcessSummary } from '../../designer/api';
import { analytics, defaultPeriod, type Analytics, type Period } from '../../analyse/api';
import { createViewer, describe, paintHeatmap, type ColourBy, type Viewer } from '../../analyse/diagram';
import { summary, elementTable, gatewayTable, weeksSection } from '../../analyse/tables';
import { analyseTexts as t } from '../../analyse/texts';
import { texts } from './texts';

const processId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const shell = mountShell({ title: texts.title, signedIn: true });
const params = new URLSearchParams(location.search);
const initial = defaultPeriod();
let period: Period = { from: params.get('from') ?? initial.from, to: params.get('to') ?? initial.to };
let version: number | null = params.get('version') ? Number(params.get('version')) : null;
let colourBy: ColourBy = params.get('farbe') === 'dauer' ? 'duration' : 'count';

const heading = h('h1', {}, fill(texts.heading, { process: processId }));
const versionSelect = h('select', { id: 'analyse-version', name: 'version' });
const fromInput = h('input', { type: 'date', id: 'analyse-von', name: 'from', value: period.from, required: true });
const toInput = h('input', { type: 'date', id: 'analyse-bis', name: 'to', value: period.to, required: true });
const colourSelect = h('select', { id: 'analyse-farbe' },
  h('option', { value: 'count', selected: colourBy === 'count' }, t.diagram.byCount),
  h('option', { value: 'duration', selected: colourBy === 'duration' }, t.diagram.byDuration));
const csvLink = h('a', { class: 'button', href: '#', download: '' }, texts.csv);
const compareLink = h('a', { class: 'button', href: `/analyse/${encodeURIComponent(processId)}/vergleich` }, texts.compare);
const form = h('form', { class: 'inline-fields', 'aria-label': texts.filter, onsubmit: (e: Event) => { e.preventDefault(); void choose(); } },
  h('div', { class: 'field' }, h('label', { for: 'analyse-version' }, t.period.version), versionSelect),
  h('div', { class: 'field' }, h('label', { for: 'analyse-von' }, t.period.from), fromInput),
  h('div', { class: 'field' }, h('label', { for: 'analyse-bis' }, t.period.to), toInput),
  h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button button-primary' }, t.period.submit)));
const status = h('p', { role: 'status', class: 'visually-hidden' });
const results = h('div', { class: 'analyse-results', 'aria-busy': 'true' }, h('p', {}, t.loading));
const canvas = h('div', { class: 'analyse-canvas', id: 'analyse-diagramm' });
const caption = h('figcaption', { id: 'analyse-diagramm-beschreibung' });
const diagramSection = h('section', { 'aria-labelledby': 'analyse-diagramm-titel' },
  h('h2', { id: 'analyse-diagramm-titel' }, t.diagram.heading),
  h('div', { class: 'inline-fields' },
    h('div', { class: 'field' }, h('label', { for: 'analyse-farbe' }, t.diagram.colourBy), colourSelect),
    h('p', { class: 'analyse-legend' }, t.diagram.legend, ' ', [1, 2, 3, 4, 5].map((k) => h('span', { class: `swatch heat-${k}`, 'aria-hidden': 'true' })))),
  h('figure', { class: 'diagram' }, canvas, caption));

append(shell.main, [
  h('p', {}, h('a', { href: '/prozesse' }, texts.back)),
  heading,
  h('p', {}, texts.intro),
  form,
  h('div', { class: 'toolbar' }, csvLink, compareLink),
  status,
  results,
  diagramSection,
]);

let summaryOfProcess: ProcessSummary | null = null;
let viewer: Viewer | null = null;
let viewerVersion = 0;
let figures: Analytics | null = null;

colourSelect.addEventListener('change', () => {
  colourBy = colourSelect.value === 'duration' ? 'duration' : 'count';
  keepInAddress();
  if (viewer && figures) paintHeatmap(viewer, figures, colourBy);
  captionText();
});

void start();

async function start(): Promise<void> {
  try {
    summaryOfProcess = await processes.get(processId);
    heading.textContent = fill(texts.heading, { process: summaryOfProcess.name ?? processId });
    replace(versionSelect,
      h('option', { value: '', selected: version === null }, t.allVersions),
      summaryOfProcess.versions.map((v) => h('option', { value: String(v.version), selected: v.version === version }, fill(t.version, { version: v.version }))));
    await load();
  } catch (e) {
    replace(results);
    showError(e);
  }
}

async function choose(): Promise<void> {
  period = { from: fromInput.value, to: toInput.value };
  version = versionSelect.value ? Number(versionSelect.value) : null;
  await load();
}

function keepInAddress(): void {
  const q = new URLSearchParams({ from: period.from, to: period.to });
  if (version !== null) q.set('version', String(version));
  if (colourBy === 'duration') q.set('farbe', 'dauer');
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

function captionText(): void {
  caption.textContent = fill(t.diagram.description, {
    process: summaryOfProcess?.name ?? processId, version: viewerVersion,
    colour: colourBy === 'count' ? t.diagram.byCount : t.diagram.byDuration,
  });
}

async function load(): Promise<void> {
  keepInAddress();
  csvLink.setAttribute('href', analytics.csvUrl(processId, period, version));
  results.setAttribute('aria-busy', 'true');
  try {
    figures = await analytics.get(processId, period, version);
    clearMessages();
    const empty = figures.instances.started === 0 && figures.instances.completed === 0 && figures.instances.cancelled === 0
      && figures.elements.every((e) => e.count === 0);
    replace(results,
      h('h2', {}, t.summary.heading),
      empty ? h('p', { class: 'analyse-empty' }, t.empty) : null,
      summary(figures),
      h('h2', {}, t.elements.heading), elementTable(figures),
      h('h2', {}, t.gateways.heading), gatewayTable(figures),
      weeksSection(figures, 'analyse-wochen'));
    status.textContent = fill('{started} gestartete, {completed} abgeschlossene Vorgänge.', {
      started: figures.instances.started, completed: figures.instances.completed,
    });
    await showDiagram(figures);
  } catch (e) {
    replace(results);
    showError(e);
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}

async function showDiagram(f: Analytics): Promise<void> {
  const v = version ?? summaryOfProcess?.latestVersion ?? 1;
  try {
    if (!viewer || viewerVersion !== v) {
      viewer?.destroy();
      replace(canvas);
      viewer = await createViewer(canvas, await versionXml(processId, v));
      viewerVersion = v;
      describe(canvas, 'analyse-diagramm-beschreibung');
    }
    paintHeatmap(viewer, f, colourBy);
    captionText();
  } catch (e) {
    console.error(e);
    replace(canvas, h('p', {}, t.diagram.failed));
  }
}
