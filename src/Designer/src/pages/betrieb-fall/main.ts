// A case's page in the operators' cockpit (/betrieb/{id}): facts, a warning for failures still being retried, the
// diagram with the tokens (and their number), incidents and the path taken, where the case stands as a table,
// incidents with message and stack and "Erneut versuchen", variables (changed with a reason), cancel with a reason,
// migration to another version (dry run first, then in the background with progress), and the history: steps,
// variable changes (with the reason) and the operators' interventions. Only documented API endpoints.

import { mountShell } from '../../shell/shell';
import { h, fill, replace, append } from '../../shared/dom';
import { formatDateTime, formatNumber, formatValue } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { formDialog } from '../../shared/dialog';
import { ApiError } from '../../shared/api';
import { cockpit, type Activity, type Instance, type Incident, type OperatorAction, type ElementInstance, type VariableChange } from '../../betrieb/api';
import { pagedTable } from './history';
import { mountMigration } from '../../betrieb/migration';
import { renderDiagram } from './diagram';
import { texts } from './texts';
import '../../betrieb/betrieb.css';
import './fall.css';

const shell = mountShell({ title: texts.title, signedIn: true });
const instanceId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const header = h('div', {});
const retrying = h('div', {});
const diagram = h('section', { class: 'case-section' });
const where = h('section', { class: 'case-section', 'aria-labelledby': 'stand-titel' });
const incidents = h('section', { class: 'case-section', 'aria-labelledby': 'stoerungen-titel' });
const variables = h('section', { class: 'case-section', 'aria-labelledby': 'variablen-titel' });
const actions = h('section', { class: 'case-section', 'aria-labelledby': 'abbrechen-titel' });
const migration = h('section', { class: 'case-section', 'aria-labelledby': 'migration-titel' });
const historyArea = h('section', { class: 'case-section', 'aria-labelledby': 'verlauf-titel' });
append(shell.main, [h('p', {}, h('a', { href: '/betrieb' }, texts.back)), header, retrying, diagram, where, incidents, variables, actions, migration, historyArea]);
void load();

let migrationMounted = false;

async function load(): Promise<void> {
  try {
    const [instance, activity] = await Promise.all([cockpit.instance(instanceId), cockpit.activity(instanceId)]);
    renderHeader(instance, activity);
    renderRetrying(activity);
    await renderDiagram(diagram, activity);
    renderWhere(activity);
    renderIncidents(instance);
    renderVariables(instance);
    renderActions(instance);
    if (!migrationMounted) {
      migrationMounted = true;
      replace(migration, h('h2', { id: 'migration-titel' }, texts.migration.heading), h('div', { id: 'migration-inhalt' }));
    }
    if (activity.state === 'running' || activity.state === 'incident') {
      const inner = migration.querySelector<HTMLElement>('#migration-inhalt');
      if (inner && inner.childElementCount === 0)
        await mountMigration(inner, { processId: instance.processId, fromVersion: instance.version, instanceIds: [instanceId], idPrefix: 'fall-migration',
          onDone: () => { replace(inner); void load(); } });
    } else replace(migration, h('h2', { id: 'migration-titel' }, texts.migration.heading), h('p', {}, texts.migration.ended));
    await renderHistory();
  } catch (e) {
    showError(e);
  }
}

function caseName(i: Instance): string {
  return i.businessKey ?? texts.noBusinessKey;
}

function renderHeader(i: Instance, a: Activity): void {
  const f = texts.facts;
  document.title = `${fill(texts.heading, { name: caseName(i) })} – EGov Workflows`;
  replace(header,
    h('h1', {}, fill(texts.heading, { name: caseName(i) })),
    h('dl', { class: 'case-facts', 'aria-label': f.caption },
      h('dt', {}, f.process), h('dd', {}, i.processId),
      h('dt', {}, f.version), h('dd', {}, String(i.version)),
      h('dt', {}, f.state), h('dd', {}, h('span', { class: `badge state-${a.state}` }, texts.states[a.state] ?? a.state)),
      h('dt', {}, f.id), h('dd', {}, h('code', {}, i.id)),
      a.calledInstances.length > 0 ? [h('dt', {}, f.called), h('dd', {}, a.calledInstances.map((c) => `${c.processId} v${c.version} (${texts.states[c.state as keyof typeof texts.states] ?? c.state})`).join(', '))] : null));
}

function renderRetrying(a: Activity): void {
  const t = texts.retrying;
  if (a.retrying.length === 0) {
    replace(retrying);
    return;
  }
  replace(retrying, h('div', { class: 'retrying', role: 'region', 'aria-labelledby': 'wiederholung-titel' },
    h('h2', { id: 'wiederholung-titel' }, t.heading),
    h('p', {}, t.intro),
    h('ul', {}, a.retrying.map((r) => h('li', {},
      h('strong', {}, `${t.kinds[r.kind] ?? r.kind} ${r.elementId}`), ': ', r.message ?? t.noMessage, ' – ',
      r.retriesLeft === null ? t.leftUnknown : fill(t.left, { count: r.retriesLeft }),
      r.nextTry ? `, ${fill(t.next, { at: formatDateTime(r.nextTry) })}` : '')))));
}

function renderWhere(a: Activity): void {
  const w = texts.where;
  const ids = [...new Set([...a.tokens.map((x) => x.elementId), ...a.taken.map((x) => x.elementId)])];
  const token = new Map(a.tokens.map((x) => [x.elementId, x]));
  const taken = new Map(a.taken.map((x) => [x.elementId, x.count]));
  replace(where, h('h2', { id: 'stand-titel' }, w.heading),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data case-table' },
      h('caption', {}, w.caption),
      h('thead', {}, h('tr', {}, [w.element, w.tokens, w.incidents, w.multi, w.taken].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ids.map((id) => {
        const tk = token.get(id);
        return h('tr', {},
          h('th', { scope: 'row' }, h('code', {}, id)),
          h('td', { class: 'number' }, tk ? formatNumber(tk.count) : w.none),
          h('td', { class: 'number' }, tk && tk.incidents > 0 ? formatNumber(tk.incidents) : w.none),
          h('td', {}, tk?.multiInstance ? fill(texts.diagram.multi, { active: tk.multiInstance.active, completed: tk.multiInstance.completed, total: tk.multiInstance.total }) : w.none),
          h('td', { class: 'number' }, taken.has(id) ? formatNumber(taken.get(id)!) : w.none));
      })))));
}

function renderIncidents(i: Instance): void {
  const t = texts.incidents;
  replace(incidents, h('h2', { id: 'stoerungen-titel' }, t.heading),
    i.incidents.length === 0 ? h('p', {}, t.none) : i.incidents.map((x) => incident(x)));
}

function incident(x: Incident): HTMLElement {
  const t = texts.incidents;
  return h('article', { class: 'incident', 'data-incident-id': x.id, 'aria-label': fill(t.at, { element: x.elementId, at: formatDateTime(x.createdAt) }) },
    h('p', {}, h('strong', {}, fill(t.at, { element: x.elementId, at: formatDateTime(x.createdAt) }))),
    h('p', {}, x.message),
    x.details ? h('details', {}, h('summary', {}, t.details), h('pre', {}, x.details)) : null,
    h('button', { type: 'button', class: 'button button-primary', 'aria-label': fill(t.retryFor, { element: x.elementId }),
      onclick: async (e: Event) => {
        (e.currentTarget as HTMLButtonElement).disabled = true;
        try {
          await cockpit.retry(x.id);
          showStatus(fill(t.retried, { element: x.elementId }));
        } catch (err) {
          showError(err);
        }
        await load();
      } }, t.retry));
}

function renderVariables(i: Instance): void {
  const t = texts.variables;
  const ended = i.state === 'completed' || i.state === 'terminated';
  const names = Object.keys(i.variables).sort();
  replace(variables, h('h2', { id: 'variablen-titel' }, t.heading),
    names.length === 0 ? h('p', {}, t.none) : h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, t.caption),
      h('thead', {}, h('tr', {}, [t.name, t.value, t.actions].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, names.map((n) => h('tr', {},
        h('th', { scope: 'row' }, h('code', {}, n)),
        h('td', {}, h('pre', { class: 'variable-value' }, formatValue(i.variables[n]))),
        h('td', {}, ended ? null : h('button', { type: 'button', class: 'button button-small', 'aria-label': fill(t.editFor, { name: n }),
          onclick: () => void editVariable(n, i.variables[n]) }, t.edit))))))),
    ended ? null : h('button', { type: 'button', class: 'button', onclick: () => void editVariable(null, null) }, t.add));
}

async function editVariable(name: string | null, value: unknown): Promise<void> {
  const t = texts.variables;
  const data = await formDialog(name ? fill(t.dialogTitle, { name }) : t.addTitle, [
    name ? null : h('div', { class: 'field' }, h('label', { for: 'variable-name' }, t.nameLabel), h('input', { type: 'text', id: 'variable-name', name: 'name', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'variable-wert' }, t.valueLabel),
      h('textarea', { id: 'variable-wert', name: 'value', required: true, rows: '4' }, name ? JSON.stringify(value, null, 2) : '')),
    h('div', { class: 'field' }, h('label', { for: 'variable-grund' }, t.reason), h('p', { class: 'hint', id: 'variable-grund-hinweis' }, t.reasonHint),
      h('textarea', { id: 'variable-grund', name: 'reason', required: true, maxlength: '500', rows: '2', 'aria-describedby': 'variable-grund-hinweis' }))], t.save);
  if (!data) return;
  const variable = name ?? String(data.get('name') ?? '').trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(data.get('value') ?? ''));
  } catch {
    showError(new ApiError(400, {}, t.invalidJson));
    return;
  }
  try {
    await cockpit.setVariables(instanceId, { [variable]: parsed }, String(data.get('reason') ?? ''));
    showStatus(fill(t.saved, { name: variable }));
  } catch (e) {
    showError(e);
  }
  await load();
}

function renderActions(i: Instance): void {
  const t = texts.cancel;
  const ended = i.state === 'completed' || i.state === 'terminated';
  replace(actions, h('h2', { id: 'abbrechen-titel' }, t.heading),
    ended ? h('p', {}, texts.migration.ended) : h('button', { type: 'button', class: 'button button-warning', onclick: () => void cancel(i) }, t.button));
}

async function cancel(i: Instance): Promise<void> {
  const t = texts.cancel;
  const data = await formDialog(fill(t.title, { name: caseName(i) }),
    h('div', { class: 'field' }, h('label', { for: 'abbruch-grund' }, t.reason), h('textarea', { id: 'abbruch-grund', name: 'reason', required: true, maxlength: '500', rows: '3' })),
    t.confirm, t.text);
  if (!data) return;
  try {
    await cockpit.cancel(instanceId, String(data.get('reason') ?? ''));
    showStatus(t.done);
  } catch (e) {
    showError(e);
  }
  await load();
}

// The history's three tables, each paged on the server (created once; a reload of the case reads their pages again).
let history: { refresh: () => Promise<void> }[] | null = null;

async function renderHistory(): Promise<void> {
  const t = texts.history;
  if (!history) {
    const journal = pagedTable<OperatorAction>({
      id: 'eingriffe', caption: t.journal, heads: [t.at, t.action, t.reason, t.detail, t.by], none: t.none,
      read: async (offset, limit) => {
        const page = await cockpit.journal(instanceId, offset, limit);
        return { items: page.items, total: page.total ?? page.items.length };
      },
      row: (a) => h('tr', {},
        h('td', {}, formatDateTime(a.at)), h('th', { scope: 'row' }, t.actions[a.action] ?? a.action), h('td', {}, a.reason ?? '–'),
        h('td', {}, a.detail ?? '–', a.batchId ? ` (${t.batch})` : ''), h('td', {}, a.userId)),
    });
    const steps = pagedTable<ElementInstance>({
      id: 'schritte', caption: t.elements, heads: [t.element, t.type, t.started, t.ended], none: t.none,
      read: (offset, limit) => cockpit.history(instanceId, offset, limit),
      row: (s) => h('tr', {},
        h('th', { scope: 'row' }, s.elementName ? `${s.elementName} (${s.elementId})` : s.elementId), h('td', {}, t.types[s.elementType] ?? s.elementType),
        h('td', {}, formatDateTime(s.startedAt)), h('td', {}, s.endedAt ? formatDateTime(s.endedAt) : t.active)),
    });
    const changes = pagedTable<VariableChange>({
      id: 'variablen-verlauf', caption: t.variables, heads: [t.at, t.variable, t.change, t.oldValue, t.newValue, t.by, t.command], none: t.none,
      read: (offset, limit) => cockpit.variableHistory(instanceId, offset, limit),
      row: (c) => h('tr', {},
        h('td', {}, formatDateTime(c.at)), h('th', { scope: 'row' }, h('code', {}, c.name)), h('td', {}, t.changes[c.change as keyof typeof t.changes] ?? c.change),
        h('td', {}, h('pre', { class: 'variable-value' }, formatValue(c.oldValue))), h('td', {}, h('pre', { class: 'variable-value' }, formatValue(c.newValue))),
        h('td', {}, c.userId ?? '–'), h('td', {}, c.command ?? '–')),
    });
    replace(historyArea, h('h2', { id: 'verlauf-titel' }, t.heading), journal.element, steps.element, changes.element);
    history = [journal, steps, changes];
  }
  await Promise.all(history.map((x) => x.refresh()));
}
