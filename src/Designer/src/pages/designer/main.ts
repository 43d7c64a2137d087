// The designer (/designer/{processId}): bpmn-js Modeler with the properties panel for the Camunda 7 attributes and our
// egov: attributes, the signed-in analyst's draft kept on the server (saved shortly after every change), open a
// deployed version or the draft, upload and download .bpmn, the server's check with its problems on the elements,
// the process's scenarios run against the draft, and "Bereitstellen" with a change note. Below the canvas the same
// model as an accessible text view. The bpmn.io watermark stays, as the bpmn.io licence requires.
// Beside the model: element templates of the server's custom activities (templates.ts), German labels (translate.ts),
// bpmnlint with our own plug-in that reports the server's check on the elements (lint.ts), the user-task forms in the
// form-js editor (forms.ts) and a scenario editor with recording from the token simulation (scenario-editor.ts); the
// forms and scenarios are kept with the draft.

import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import { ElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import lintModule from 'bpmn-js-bpmnlint';
import TokenSimulationModule from 'bpmn-js-token-simulation';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import egovModdle from 'egov-moddle.json';
import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { ApiError } from '../../shared/api';
import { confirmDialog, field, formDialog } from '../../shared/dialog';
import { formatDateTime } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { designer, processes, versionXml, type Draft, type FormSchema, type ModelProblem, type ProcessSummary, type ScenarioRun } from '../../designer/api';
import { egovPropertiesModule, setActivityCatalogue } from './egov-properties';
import { germanTranslateModule } from './translate';
import { linterConfig, setKnownActivities, setServerProblems } from './lint';
import { templateChooserModule } from './templates';
import { FormsSection, formFile } from './forms';
import { ScenarioEditor } from './scenario-editor';
import { mountSimulationPanel } from './simulation-panel';
import type { TracedObject } from './recording';
import { renderTextView, type DiagramElement } from './text-view';
import { texts } from './texts';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-element-templates/dist/assets/element-templates.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';
import './designer.css';

const processId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const shell = mountShell({ title: texts.title, signedIn: true });

interface Services {
  get<T>(name: string): T;
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options: { format: boolean }): Promise<{ xml?: string }>;
  on(event: string, callback: () => void): void;
}
interface Canvas {
  zoom(mode: string): void;
  addMarker(id: string, marker: string): void;
  removeMarker(id: string, marker: string): void;
  scrollToElement(element: unknown): void;
}

const heading = h('h1', {}, fill(texts.heading, { process: processId }));
const sourceLine = h('p', { class: 'designer-source' });
const versionSelect = h('select', { id: 'designer-quelle' });
const fileInput = h('input', { type: 'file', id: 'designer-datei', accept: '.bpmn,.xml,application/xml,text/xml', class: 'visually-hidden' });
const toolbar = h('div', { class: 'toolbar designer-toolbar', role: 'group', 'aria-label': texts.actions.label });
const canvasEl = h('div', { class: 'designer-canvas', id: 'designer-diagramm' });
const panelEl = h('div', { class: 'designer-properties', role: 'region', 'aria-label': texts.canvas.properties });
const problemsEl = h('section', { class: 'designer-problems', 'aria-labelledby': 'pruefergebnis' },
  h('h2', { id: 'pruefergebnis' }, texts.problems.heading), h('p', {}, texts.problems.none));
const scenariosEl = h('section', { class: 'designer-scenarios', 'aria-labelledby': 'szenarien', hidden: true });
const textViewEl = h('section', { class: 'designer-text', 'aria-labelledby': 'textansicht' });
const formsEl = h('section', { class: 'designer-forms', 'aria-labelledby': 'formulare' });
const folderLink = h('span', { class: 'designer-folder-link' });
const scenarioEditorEl = h('section', { class: 'designer-scenario-editor', 'aria-labelledby': 'szenario-editor' });
const simulationEl = h('section', { class: 'designer-simulation', 'aria-labelledby': 'simulation-tastatur' });

append(shell.main, [
  h('p', {}, h('a', { href: '/prozesse' }, texts.back)),
  heading,
  sourceLine,
  h('div', { class: 'inline-fields' },
    h('div', { class: 'field' }, h('label', { for: 'designer-quelle' }, texts.source.choose), versionSelect),
    h('div', { class: 'field' }, h('button', { type: 'button', class: 'button', onclick: () => void openChosen() }, texts.source.open))),
  toolbar,
  h('section', { class: 'designer-editor', 'aria-labelledby': 'diagramm-ueberschrift' },
    h('h2', { id: 'diagramm-ueberschrift', class: 'visually-hidden' }, texts.canvas.heading),
    h('p', { class: 'hint', id: 'diagramm-hinweis' }, texts.canvas.description),
    h('div', { class: 'designer-work' }, canvasEl, panelEl)),
  problemsEl,
  scenariosEl,
  simulationEl,
  scenarioEditorEl,
  formsEl,
  textViewEl,
]);

const modeler = new Modeler({
  container: canvasEl,
  propertiesPanel: { parent: panelEl },
  additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule, CamundaBehaviorsModule,
    ElementTemplatesPropertiesProviderModule, templateChooserModule, egovPropertiesModule, lintModule, TokenSimulationModule, germanTranslateModule] as never[],
  moddleExtensions: { camunda: camundaModdle, egov: egovModdle },
  linting: { bpmnlint: linterConfig, active: true },
}) as unknown as Services;
mountSimulationPanel(simulationEl, modeler);

// The token simulation writes its buttons' English titles into the canvas (no translate service): German, and the same
// text as the accessible name of these icon-only buttons.
const simulationTitles: Record<string, string> = {
  'Trigger Event': 'Ereignis auslösen',
  'Set Sequence Flow': 'Ausgehenden Fluss wählen',
  'Add pause point': 'Haltepunkt setzen',
  'Remove pause point': 'Haltepunkt entfernen',
  'Toggle Simulation Log': 'Simulationsprotokoll ein- oder ausblenden',
  'Reset Simulation': 'Simulation zurücksetzen',
  'Play/Pause Simulation': 'Simulation fortsetzen oder anhalten',
};
// The simulation's log writes English texts of its own (header, placeholder, "Process started"), and the element
// templates' panel two titles without the translate service: German as well (GermanLabelsTests looks for English words).
const simulationLogTexts: Record<string, string> = {
  'Simulation Log': 'Simulationsprotokoll',
  'No Entries': 'Keine Einträge',
  'Process started': 'Prozess gestartet',
  'Process finished': 'Prozess beendet',
  'Process canceled': 'Prozess abgebrochen',
  'SubProcess started': 'Teilprozess gestartet',
  'SubProcess finished': 'Teilprozess beendet',
  'SubProcess canceled': 'Teilprozess abgebrochen',
};
const panelTitles: Record<string, string> = {
  'Toggle section': 'Abschnitt auf- oder zuklappen',
  'Select a template': 'Vorlage wählen',
  // list entries of the panel that are drawn without the translate service
  'Create new list item': 'Neuen Eintrag anlegen',
  'Toggle list item': 'Eintrag auf- oder zuklappen',
  'Open pop-up editor': 'Im größeren Editor öffnen',
  'Delete item': 'Eintrag löschen',
};
function germanTexts(): void {
  for (const el of canvasEl.querySelectorAll<HTMLElement>('.bts-context-pad[title], .bts-entry[title]')) {
    const german = simulationTitles[el.getAttribute('title') ?? ''];
    if (german) {
      el.setAttribute('title', german);
      el.setAttribute('aria-label', german);
    }
  }
  for (const el of canvasEl.querySelectorAll<HTMLElement>('.bts-close[aria-label="Close"]')) el.setAttribute('aria-label', 'Schließen');
  for (const log of canvasEl.querySelectorAll<HTMLElement>('.bts-log')) {
    const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const german = simulationLogTexts[n.textContent?.trim() ?? ''];
      if (german) n.textContent = german;
    }
    for (const el of log.querySelectorAll<HTMLElement>('[title]')) {
      const german = simulationLogTexts[el.getAttribute('title') ?? ''];
      if (german) el.setAttribute('title', german);
    }
  }
  for (const el of panelEl.querySelectorAll<HTMLElement>('[title], [aria-label]')) {
    for (const attribute of ['title', 'aria-label']) {
      const german = panelTitles[el.getAttribute(attribute) ?? ''];
      if (german) el.setAttribute(attribute, german);
    }
  }
}
const germanObserver = new MutationObserver(germanTexts);
germanObserver.observe(canvasEl, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['title', 'aria-label'] });
germanObserver.observe(panelEl, { subtree: true, childList: true, attributes: true, attributeFilter: ['title', 'aria-label'] });

let summary: ProcessSummary | null = null;
let draft: Draft | null = null;
let basedOn: number | null = null;
let dirty = false;
let importing = false;
let saveTimer: number | undefined;
let textTimer: number | undefined;
let marked: string[] = [];
/** The forms and scenarios kept with the draft (sent along when they change; an autosave of the model keeps them). */
let draftForms: Record<string, FormSchema> = {};
let draftScenarios: Record<string, string> = {};
let checkTimer: number | undefined;

function button(text: string, onclick: () => void, primary = false): HTMLButtonElement {
  return h('button', { type: 'button', class: primary ? 'button button-primary' : 'button', onclick }, text);
}

replace(toolbar,
  button(texts.actions.save, () => void saveDraft(true)),
  button(texts.actions.discard, () => void discardDraft()),
  h('label', { for: 'designer-datei', class: 'button' }, texts.actions.upload),
  fileInput,
  button(texts.actions.download, () => void download()),
  folderLink,
  button(texts.actions.validate, () => void validate()),
  button(texts.actions.scenarios, () => void runScenarios()),
  button(texts.actions.deploy, () => void deploy(), true));
fileInput.addEventListener('change', () => void upload());

modeler.on('commandStack.changed', () => {
  if (importing) return;
  dirty = true;
  renderSource();
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => void saveDraft(false), 1500);
  scheduleTextView();
  scheduleCheck();
});

const formsSection = new FormsSection(formsEl, {
  formKeys,
  draftForms: () => draftForms,
  versionForms: async () => (basedOn ? { version: basedOn, forms: (await designer.versionForms(processId, basedOn)).forms } : { version: null, forms: {} }),
  save: async (file, schema) => saveDraft(true, { forms: { ...draftForms, [file]: schema } }),
});

let scenarioEditor: ScenarioEditor | null = null;

void start();

/** The element templates of the server's activities, into the properties panel, the egov group and the lint rules. */
async function loadTemplates(): Promise<void> {
  try {
    const templates = await designer.elementTemplates();
    setActivityCatalogue(templates);
    setKnownActivities(templates.map((t) => t.properties.find((p) => p.binding.name === 'egov:activity')?.value ?? '').filter(Boolean));
    modeler.get<{ setTemplates(t: unknown[]): void }>('elementTemplatesLoader').setTemplates(templates);
    lint();
  } catch (e) {
    showError(e);
  }
}

/** Lints again (the server's problems or the known activities changed; bpmn-js-bpmnlint lints itself on every change). */
function lint(): void {
  modeler.get<{ update(): void }>('linting').update();
}

async function start(): Promise<void> {
  try {
    await shell.me;
    void loadTemplates();
    summary = await processes.get(processId);
    heading.textContent = fill(texts.heading, { process: summary.name || processId });
    document.title = `${fill(texts.heading, { process: summary.name || processId })} – EGov Workflows`;
    try {
      draft = await designer.draft(processId);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    renderChoices();
    takeFiles(draft);
    startScenarioEditor();
    if (draft) await show(draft.xml, draft.basedOnVersion);
    else await openVersion(summary.latestVersion);
  } catch (e) {
    showError(e);
  }
}

function renderChoices(): void {
  const s = texts.source;
  replace(versionSelect,
    draft ? h('option', { value: 'draft' }, s.draftOption) : null,
    (summary?.versions ?? []).map((v) => h('option', { value: String(v.version) }, fill(s.versionOption, { version: v.version, latest: v.latest ? s.latestSuffix : '' }))));
}

function renderSource(): void {
  const s = texts.source;
  const what = draft
    ? (draft.basedOnVersion ? fill(s.draft, { at: formatDateTime(draft.updatedAt), version: draft.basedOnVersion }) : fill(s.draftNoBase, { at: formatDateTime(draft.updatedAt) }))
    : fill(s.version, { version: basedOn ?? '' });
  replace(sourceLine, h('strong', {}, `${s.label}: `), what, dirty ? h('span', { class: 'badge badge-followup' }, s.unsaved) : null);
}

async function openChosen(): Promise<void> {
  const value = versionSelect.value;
  try {
    if (value === 'draft' && draft) await show(draft.xml, draft.basedOnVersion);
    else await openVersion(Number(value));
  } catch (e) {
    showError(e);
  }
}

async function openVersion(version: number): Promise<void> {
  const xml = await versionXml(processId, version);
  await show(xml, version, true);
  // Without a draft, the scenarios deployed with the version are the ones to open, run and carry into the next version.
  if (!draft) {
    try {
      draftScenarios = (await designer.versionScenarios(processId, version)).scenarios;
    } catch (e) {
      showError(e);
    }
    scenarioEditor?.renderList();
  }
  renderDownload();
}

/** The link that downloads the opened version's service folder (model, forms, scenarios) to commit under processes/. */
function renderDownload(): void {
  const v = basedOn ?? summary?.latestVersion;
  replace(folderLink, v ? h('a', { href: designer.filesUrl(processId, v), download: '', class: 'button' }, fill(texts.actions.downloadFolder, { version: v })) : null);
}

async function show(xml: string, version: number | null, fromVersion = false): Promise<void> {
  importing = true;
  try {
    const result = await modeler.importXML(xml);
    basedOn = version;
    dirty = false;
    if (fromVersion) versionSelect.value = String(version);
    modeler.get<Canvas>('canvas').zoom('fit-viewport');
    const svg = canvasEl.querySelector('.djs-container > svg');
    svg?.setAttribute('aria-describedby', 'diagramm-hinweis');
    if (result.warnings.length > 0) showStatus(fill(texts.importWarnings, { count: result.warnings.length }));
  } catch (e) {
    console.error(e);
    showError(new ApiError(422, {}, texts.loadFailed));
  } finally {
    importing = false;
  }
  if (fromVersion) {
    const keep = draft;
    draft = null;
    renderSource();
    draft = keep;
  } else renderSource();
  renderTextView(textViewEl, parts);
  void formsSection.render();
  scheduleCheck(0);
}

/** The forms and scenarios of a draft (none without one). */
function takeFiles(d: Draft | null): void {
  draftForms = d?.forms ?? {};
  draftScenarios = d?.scenarios ?? {};
  scenarioEditor?.renderList();
}

/** The form files the model's user tasks name (camunda:formKey), with the tasks naming each. */
function formKeys(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const e of parts.elements()) {
    const bo = e.businessObject as unknown as { $type: string; get?(name: string): unknown };
    if (bo.$type !== 'bpmn:UserTask') continue;
    const file = formFile(String(bo.get?.('camunda:formKey') ?? ''));
    if (file) keys.set(file, [...(keys.get(file) ?? []), e.id]);
  }
  return keys;
}

/** The model file the process's scenarios deploy: the latest version's file name. */
function modelFile(): string {
  const file = summary?.versions.find((v) => v.latest)?.file ?? `${processId}.bpmn`;
  return file.split(/[\\/]/).pop() || `${processId}.bpmn`;
}

function startScenarioEditor(): void {
  scenarioEditor = new ScenarioEditor(scenarioEditorEl, {
    processId,
    modelFile,
    scenarios: () => draftScenarios,
    run: async (file, text) => designer.scenarios(processId, await currentXml(), { ...draftScenarios, [file]: text }, file),
    save: (scenarios) => saveDraft(true, { scenarios }),
    show: showScenarioRun,
    record: (onEnter) => {
      type TraceEvent = { action: string; element?: { id: string; type: string; businessObject?: TracedObject } };
      const eventBus = modeler.get<{ on(e: string, cb: (ev: TraceEvent) => void): void; off(e: string, cb: unknown): void }>('eventBus');
      const toggle = modeler.get<{ toggleMode(active?: boolean): void }>('toggleMode');
      const listener = (ev: TraceEvent) => {
        // A start or boundary event a token does not enter is triggered ("signal").
        if ((ev.action === 'enter' || ev.action === 'signal') && ev.element)
          onEnter({ id: ev.element.id, type: ev.element.type, bo: ev.element.businessObject, action: ev.action });
      };
      eventBus.on('tokenSimulation.simulator.trace', listener);
      toggle.toggleMode(true);
      // Tokens move quickly while recording: the path matters, not the animation.
      modeler.get<{ setAnimationSpeed(speed: number): void }>('animation').setAnimationSpeed(3);
      return () => {
        eventBus.off('tokenSimulation.simulator.trace', listener);
        toggle.toggleMode(false);
      };
    },
  });
}

/** The server's check runs shortly after every change; its problems go on the elements (lint overlays). */
function scheduleCheck(delay = 2000): void {
  window.clearTimeout(checkTimer);
  checkTimer = window.setTimeout(() => void check(), delay);
}

async function check(): Promise<void> {
  try {
    const result = await designer.validate(processId, await currentXml());
    setServerProblems(result.problems);
    lint();
  } catch {
    // The check is a help while modelling; "Prüfen" and "Bereitstellen" report its failures.
  }
}

const parts = {
  elements: () => modeler.get<{ getAll(): DiagramElement[] }>('elementRegistry').getAll(),
  rename: (element: DiagramElement, name: string) => modeler.get<{ updateLabel(e: unknown, text: string): void }>('modeling').updateLabel(element, name),
  select: (element: DiagramElement) => {
    modeler.get<{ select(e: unknown): void }>('selection').select(element);
    modeler.get<Canvas>('canvas').scrollToElement(element);
    canvasEl.scrollIntoView({ block: 'nearest' });
  },
};

function scheduleTextView(): void {
  window.clearTimeout(textTimer);
  textTimer = window.setTimeout(() => renderTextView(textViewEl, parts), 300);
}

async function currentXml(): Promise<string> {
  const { xml } = await modeler.saveXML({ format: true });
  return xml ?? '';
}

async function saveDraft(announce: boolean, files: { forms?: Record<string, FormSchema>; scenarios?: Record<string, string> } = {}): Promise<boolean> {
  window.clearTimeout(saveTimer);
  try {
    draft = await designer.saveDraft(processId, await currentXml(), basedOn, files);
    takeFiles(draft);
    dirty = false;
    renderChoices();
    versionSelect.value = 'draft';
    renderSource();
    if (announce) showStatus(texts.source.saved);
    return true;
  } catch (e) {
    showProblemsOf(e);
    showError(e);
    return false;
  }
}

async function discardDraft(): Promise<void> {
  const t = texts.actions;
  if (!draft || !(await confirmDialog(t.discardTitle, t.discardText, t.discard, true))) return;
  try {
    await designer.discardDraft(processId);
    draft = null;
    takeFiles(null);
    renderChoices();
    await openVersion(basedOn ?? summary!.latestVersion);
    showStatus(t.discarded);
  } catch (e) {
    showError(e);
  }
}

async function upload(): Promise<void> {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file) return;
  const xml = await file.text();
  try {
    // The server reads it first (not BPMN, hostile, another process: refused with positions, nothing saved).
    draft = await designer.saveDraft(processId, xml, null);
    renderChoices();
    await show(draft.xml, null);
    versionSelect.value = 'draft';
    showStatus(fill(texts.actions.uploaded, { file: file.name }));
  } catch (e) {
    showProblemsOf(e);
    showError(e);
  }
}

async function download(): Promise<void> {
  const blob = new Blob([await currentXml()], { type: 'application/xml' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `${processId}.bpmn`, class: 'visually-hidden' }, texts.actions.download);
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function validate(): Promise<void> {
  try {
    const result = await designer.validate(processId, await currentXml());
    renderProblems(result.problems);
  } catch (e) {
    showError(e);
  }
}

/** A refused save or deploy carries the same positioned problems as a check: shown on the elements. */
function showProblemsOf(e: unknown): void {
  if (e instanceof ApiError && Array.isArray(e.problem.problems)) renderProblems(e.problem.problems as ModelProblem[]);
}

function renderProblems(problems: ModelProblem[]): void {
  const p = texts.problems;
  setServerProblems(problems);
  lint();
  const canvas = modeler.get<Canvas>('canvas');
  for (const id of marked) canvas.removeMarker(id, 'hat-problem');
  const registry = modeler.get<{ get(id: string): unknown }>('elementRegistry');
  marked = [...new Set(problems.map((x) => x.elementId).filter((id): id is string => !!id && !!registry.get(id)))];
  for (const id of marked) canvas.addMarker(id, 'hat-problem');
  const errors = problems.filter((x) => x.severity === 'error').length;
  replace(problemsEl,
    h('h2', { id: 'pruefergebnis' }, p.heading),
    h('p', { role: 'status' }, problems.length === 0 ? p.valid : fill(p.count, { errors, warnings: problems.length - errors })),
    problems.length === 0 ? null : h('ul', { class: 'problem-list' }, problems.map((x) => h('li', { class: `problem problem-${x.severity}` },
      h('strong', {}, x.severity === 'error' ? p.error : p.warning), ` (${fill(p.at, { line: x.line, column: x.column })}): ${x.message} `,
      x.elementId && registry.get(x.elementId)
        ? h('button', { type: 'button', class: 'button-link', onclick: () => parts.select(registry.get(x.elementId!) as DiagramElement) }, fill(p.show, { element: x.elementId }))
        : null))));
}

async function runScenarios(): Promise<void> {
  const s = texts.scenarios;
  scenariosEl.hidden = false;
  replace(scenariosEl, h('h2', { id: 'szenarien' }, s.heading), h('p', { role: 'status' }, s.running));
  try {
    showScenarioRun(await designer.scenarios(processId, await currentXml(), draftScenarios));
  } catch (e) {
    replace(scenariosEl, h('h2', { id: 'szenarien' }, s.heading));
    showError(e);
  }
}

function showScenarioRun(run: ScenarioRun): void {
  const s = texts.scenarios;
  scenariosEl.hidden = false;
  {
    replace(scenariosEl,
      h('h2', { id: 'szenarien' }, s.heading),
      h('p', { role: 'status' }, run.results.length === 0 ? s.none : fill(s.summary, { passed: run.passed, failed: run.failed })),
      run.results.length === 0 ? null : h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': s.caption }, h('table', { class: 'data' },
        h('caption', {}, s.caption),
        h('thead', {}, h('tr', {}, [s.name, s.file, s.result, s.failure].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, run.results.map((r) => h('tr', { class: r.passed ? '' : 'scenario-failed' },
          h('th', { scope: 'row' }, r.name),
          h('td', {}, h('code', {}, r.file), r.draft ? h('span', { class: 'badge' }, texts.scenarioEditor.draftBadge) : null),
          h('td', {}, r.passed ? s.passed : h('strong', {}, s.failed)),
          h('td', {}, r.failure ?? '–')))))));
  }
  scenariosEl.scrollIntoView({ block: 'nearest' });
}

async function deploy(): Promise<void> {
  const d = texts.deploy;
  const note = h('textarea', { name: 'changeNote', required: true, maxlength: 2000, rows: 4 });
  const values = await formDialog(d.title, field(d.note, note, d.noteHint), d.confirm, d.description);
  if (!values) return;
  try {
    const deployed = await designer.deploy(processId, await currentXml(), String(values.get('changeNote') ?? '').trim(), draftForms, draftScenarios);
    draft = null;
    takeFiles(null);
    summary = await processes.get(processId);
    renderChoices();
    await openVersion(deployed.version);
    renderProblems([]);
    showStatus(fill(d.done, { version: deployed.version }));
  } catch (e) {
    showProblemsOf(e);
    if (e instanceof ApiError && e.status === 422) showError(new ApiError(422, e.problem, d.refused));
    else showError(e);
  }
}

// Leaving with unsaved changes: the browser asks (the draft is saved 1.5 s after a change anyway).
window.addEventListener('beforeunload', (e) => {
  if (dirty) e.preventDefault();
});
