// The migration panel of the cockpit: choose the target version, map the active elements (only to elements of the
// same kind in the target), run the dry run (POST /api/migrations/validate — nothing changes), and only after a
// valid dry run of exactly this mapping start the migration as a background batch (POST /api/batches/migrate) whose
// progress is shown until it ends. Used on a case's page (one case) and on the list (a filtered set).

import { h, fill, replace } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { showError, showStatus } from '../shared/messages';
import { processes, versionXml } from '../designer/api';
import { cockpit, followBatch, type Batch, type InstanceFilter, type MigrationPlan, type MigrationValidation } from './api';
import { batchProgress } from './progress';
import { betriebTexts } from './texts';

export interface MigrationScope {
  processId: string;
  fromVersion: number;
  /** One case (its page) or none: then every running case of the filter. */
  instanceIds?: string[];
  filter?: InstanceFilter;
  /** Prefix for element ids, so two panels never share an id. */
  idPrefix: string;
  onDone?: (b: Batch) => void;
}

interface TargetElement {
  id: string;
  name: string;
  kind: string;
}

const t = betriebTexts.migration;

/** The kind of a BPMN element as the server's validation names it: local name, with its event definitions. */
function kindOf(e: Element): string {
  const defs = Array.from(e.children)
    .map((c) => c.localName)
    .filter((n) => n.endsWith('EventDefinition'))
    .map((n) => n.replace('EventDefinition', ''))
    .sort();
  return defs.length === 0 ? e.localName : `${e.localName}(${defs.join(',')})`;
}

function elementsOf(xml: string): TargetElement[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const skip = new Set(['sequenceFlow', 'process', 'definitions', 'laneSet', 'lane', 'incoming', 'outgoing']);
  return Array.from(doc.getElementsByTagNameNS('*', '*'))
    .filter((e) => e.namespaceURI === 'http://www.omg.org/spec/BPMN/20100524/MODEL' && e.getAttribute('id') && !skip.has(e.localName))
    .map((e) => ({ id: e.getAttribute('id')!, name: e.getAttribute('name') ?? '', kind: kindOf(e) }));
}

export async function mountMigration(container: HTMLElement, scope: MigrationScope): Promise<void> {
  const p = scope.idPrefix;
  const summary = await processes.get(scope.processId);
  const targets = summary.versions.map((v) => v.version).filter((v) => v !== scope.fromVersion).sort((a, b) => b - a);
  if (targets.length === 0) {
    replace(container, h('p', {}, t.noTarget));
    return;
  }
  const select = h('select', { id: `${p}-ziel`, name: 'toVersion' }, targets.map((v) => h('option', { value: String(v) }, String(v))));
  const mappingArea = h('div', { class: 'migration-mapping' });
  const result = h('div', { class: 'migration-result', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: `${p}-grund`, name: 'reason', maxlength: '500' });
  const start = h('button', { type: 'button', class: 'button button-primary', disabled: true }, t.start);
  const progress = h('div', { class: 'migration-progress' });
  let targetElements: TargetElement[] = [];
  let validated: string | null = null; // the plan (as JSON) of the last valid dry run
  let mapping: Record<string, string> = {};

  const plan = (): MigrationPlan => ({
    processId: scope.processId, fromVersion: scope.fromVersion, toVersion: Number(select.value), mapping: { ...mapping },
    instanceIds: scope.instanceIds,
  });

  async function dryRun(): Promise<void> {
    try {
      if (targetElements.length === 0 || select.dataset.loaded !== select.value) {
        targetElements = elementsOf(await versionXml(scope.processId, Number(select.value)));
        select.dataset.loaded = select.value;
      }
      const current = plan();
      const validation = await cockpit.validateMigration(current);
      renderMapping(validation);
      validated = validation.valid ? JSON.stringify(current) : null;
      start.disabled = !validation.valid;
      replace(result, validation.valid
        ? h('p', { class: 'migration-ok' }, fill(t.valid, { count: formatNumber(validation.instances) }))
        : h('div', { class: 'migration-errors' }, h('p', {}, t.invalid), h('ul', { 'aria-label': t.errorsCaption }, validation.errors.map((e) => h('li', {}, e)))));
    } catch (e) {
      showError(e);
    }
  }

  function renderMapping(v: MigrationValidation): void {
    const to = select.value;
    replace(mappingArea, v.activeElements.length === 0 ? null : h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', {}, t.mappingCaption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, fill(t.element, { version: scope.fromVersion })), h('th', { scope: 'col' }, t.kind),
        h('th', { scope: 'col' }, t.instances), h('th', { scope: 'col' }, fill(t.mappedTo, { version: to })))),
      h('tbody', {}, v.activeElements.map((a) => {
        const candidates = targetElements.filter((x) => x.kind === a.elementKind);
        const chosen = mapping[a.elementId] ?? a.mappedTo ?? '';
        const choice = h('select', { id: `${p}-map-${a.elementId}`, 'aria-label': fill(t.mappedToLabel, { element: a.elementId }),
          onchange: (e: Event) => {
            mapping[a.elementId] = (e.target as HTMLSelectElement).value;
            if (!mapping[a.elementId]) delete mapping[a.elementId];
            validated = null;
            start.disabled = true;
            replace(result, h('p', {}, t.stale));
          } },
        h('option', { value: '' }, t.none),
        candidates.map((c) => h('option', { value: c.id, selected: c.id === chosen }, c.name ? `${c.name} (${c.id})` : c.id)));
        return h('tr', {},
          h('th', { scope: 'row' }, h('code', {}, a.elementId)), h('td', {}, a.elementKind), h('td', { class: 'number' }, formatNumber(a.instances)),
          h('td', {}, choice));
      })))));
  }

  select.addEventListener('change', () => {
    mapping = {};
    validated = null;
    start.disabled = true;
    replace(mappingArea);
    replace(result);
  });
  start.addEventListener('click', () => void run());

  async function run(): Promise<void> {
    const current = plan();
    if (validated !== JSON.stringify(current)) return;
    start.disabled = true;
    try {
      const batch = await cockpit.startBatch('migrate', {
        plan: { ...current, instanceIds: undefined }, instanceIds: scope.instanceIds, filter: scope.instanceIds ? undefined : scope.filter,
        reason: reason.value.trim() || undefined,
      });
      showStatus(t.running);
      const done = await followBatch(batch.id, (b) => replace(progress, batchProgress(b)));
      showStatus(fill(t.done, { succeeded: done.succeeded, failed: done.failed, skipped: done.skipped }));
      scope.onDone?.(done);
    } catch (e) {
      showError(e);
      start.disabled = false;
    }
  }

  replace(container,
    h('div', { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: `${p}-ziel` }, t.target), select),
      h('div', { class: 'field' }, h('button', { type: 'button', class: 'button', onclick: () => void dryRun() }, t.dryRun))),
    h('p', { class: 'hint' }, t.dryRunHint),
    mappingArea, result,
    h('div', { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: `${p}-grund` }, t.reason), reason),
      h('div', { class: 'field' }, start)),
    progress);
}
