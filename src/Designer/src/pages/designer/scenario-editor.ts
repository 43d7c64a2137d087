// Writing a scenario next to the model: a file name and the YAML (spec/scenarios.md) in a labelled text field, run alone
// against the draft on the server, kept with the draft, listed with the draft's other scenarios. A scenario can also be
// recorded from a token-simulation run (bpmn-js-token-simulation): the path the tokens take becomes a runnable scenario
// (recording.ts: the user tasks completed, messages, signals and timers, the variables the gateway choices need, the
// expectation of what was passed and what was not taken), ready to be refined by hand.

import { h, fill, replace } from '../../shared/dom';
import { showError, showStatus } from '../../shared/messages';
import type { ScenarioRun } from '../../designer/api';
import { texts } from './texts';
import { recordScenario, type Traced } from './recording';

export interface ScenarioParts {
  processId: string;
  /** The model file the scenarios deploy (relative to the scenarios folder: ../NAME.bpmn). */
  modelFile(): string;
  scenarios(): Record<string, string>;
  run(file: string, text: string): Promise<ScenarioRun>;
  /** Keeps the draft's scenarios (saves the draft); false when the server refused. */
  save(scenarios: Record<string, string>): Promise<boolean>;
  /** Shows a run's results (the table of "Szenarien ausführen"). */
  show(run: ScenarioRun): void;
  /** Starts the token simulation and calls back with each element (and sequence flow) a token enters; returns a stop function. */
  record?(onEnter: (entered: Traced) => void): () => void;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.scenario\.yaml$/;

export class ScenarioEditor {
  private readonly file = h('input', { type: 'text', id: 'szenario-datei', value: 'neu.scenario.yaml', 'aria-describedby': 'szenario-datei-hinweis', autocomplete: 'off' });
  private readonly text = h('textarea', { id: 'szenario-text', rows: 14, spellcheck: 'false', class: 'code' });
  private readonly list = h('div', { class: 'scenario-list' });
  private readonly recordButton: HTMLButtonElement;
  private readonly progress = h('p', { class: 'hint', id: 'aufzeichnung-stand', role: 'status', hidden: true });
  private stopRecording: (() => void) | null = null;
  private recorded: Traced[] = [];

  constructor(private readonly container: HTMLElement, private readonly parts: ScenarioParts) {
    const s = texts.scenarioEditor;
    this.recordButton = h('button', { type: 'button', class: 'button', 'aria-pressed': 'false', onclick: () => this.toggleRecording() }, s.record);
    replace(container,
      h('h2', { id: 'szenario-editor' }, s.heading),
      h('p', {}, s.intro),
      h('div', { class: 'field' }, h('label', { for: 'szenario-datei' }, s.file), h('p', { class: 'hint', id: 'szenario-datei-hinweis' }, s.fileHint), this.file),
      h('div', { class: 'field' }, h('label', { for: 'szenario-text' }, s.text), this.text),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'button', onclick: () => void this.run() }, s.run),
        h('button', { type: 'button', class: 'button button-primary', onclick: () => void this.save() }, s.save),
        h('button', { type: 'button', class: 'button', onclick: () => void this.remove() }, s.remove),
        parts.record ? this.recordButton : null),
      h('p', { class: 'hint', id: 'aufzeichnung-hinweis', hidden: true }, s.recordHint),
      this.progress,
      this.list);
    this.text.value = this.template(['  - expect: { state: running }']);
    this.renderList();
  }

  /** A new scenario for the process: deploys the model, starts the process with the variables given, and the steps given. */
  private template(steps: string[], services: string[] = [], variables: Record<string, unknown> = {}, name: string = texts.scenarioEditor.newName): string {
    return [
      `name: ${JSON.stringify(name)}`,
      `deploy: [../${this.parts.modelFile()}]`,
      `process: ${this.parts.processId}`,
      'start:',
      `  variables: ${JSON.stringify(variables)}`,
      ...(services.length > 0 ? ['services:', ...services] : []),
      'steps:',
      ...steps,
      '',
    ].join('\n');
  }

  renderList(): void {
    const s = texts.scenarioEditor;
    const files = Object.keys(this.parts.scenarios()).sort();
    replace(this.list,
      h('h3', {}, s.list),
      files.length === 0 ? h('p', {}, s.none) : h('ul', {}, files.map((f) => h('li', {},
        h('code', {}, f), ' ',
        h('button', { type: 'button', class: 'button button-small', 'aria-label': fill(s.openLabel, { file: f }), onclick: () => this.open(f) }, s.open)))));
  }

  private open(file: string): void {
    this.file.value = file;
    this.text.value = this.parts.scenarios()[file] ?? '';
    this.text.focus();
  }

  private checkedName(): string | null {
    const name = this.file.value.trim();
    if (namePattern.test(name)) return name;
    showError(new Error(texts.scenarioEditor.badName));
    this.file.focus();
    return null;
  }

  private async run(): Promise<void> {
    const name = this.checkedName();
    if (!name) return;
    try {
      this.parts.show(await this.parts.run(name, this.text.value));
    } catch (e) {
      showError(e);
    }
  }

  private async save(): Promise<void> {
    const name = this.checkedName();
    if (!name) return;
    if (await this.parts.save({ ...this.parts.scenarios(), [name]: this.text.value })) {
      showStatus(fill(texts.scenarioEditor.saved, { file: name }));
      this.renderList();
    }
  }

  private async remove(): Promise<void> {
    const name = this.file.value.trim();
    const rest = { ...this.parts.scenarios() };
    if (!(name in rest)) return;
    delete rest[name];
    if (await this.parts.save(rest)) {
      showStatus(fill(texts.scenarioEditor.removed, { file: name }));
      this.renderList();
    }
  }

  private toggleRecording(): void {
    const s = texts.scenarioEditor;
    const hint = this.container.querySelector<HTMLElement>('#aufzeichnung-hinweis');
    if (!this.stopRecording) {
      this.recorded = [];
      this.progress.hidden = false;
      this.progress.textContent = s.recordNothing;
      this.stopRecording = this.parts.record!((entered) => {
        this.recorded.push(entered);
        // The canvas says nothing to a screen reader: the path so far is told here.
        if (entered.type !== 'bpmn:SequenceFlow')
          this.progress.textContent = fill(s.recordProgress, { count: this.recorded.filter((e) => e.type !== 'bpmn:SequenceFlow').length, element: entered.bo?.name ? `${entered.bo.name} (${entered.id})` : entered.id });
      });
      this.recordButton.textContent = s.recordStop;
      this.recordButton.setAttribute('aria-pressed', 'true');
      if (hint) hint.hidden = false;
      return;
    }
    this.stopRecording();
    this.stopRecording = null;
    this.recordButton.textContent = s.record;
    this.recordButton.setAttribute('aria-pressed', 'false');
    if (hint) hint.hidden = true;
    this.progress.hidden = true;
    const recorded = recordScenario(this.recorded);
    this.text.value = this.template(recorded.steps, recorded.services, recorded.startVariables, s.recordedName);
    if (this.file.value.trim() === 'neu.scenario.yaml') this.file.value = 'aufzeichnung.scenario.yaml';
    showStatus(fill(s.recorded, { steps: recorded.actions }));
    this.text.focus();
  }
}
