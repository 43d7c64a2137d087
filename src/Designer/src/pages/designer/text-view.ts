// The accessible text view of the model (BITV 2.0: the canvas cannot be used with a keyboard or a screen reader):
// elements, sequence flows and lanes as tables that follow the model, with a labelled name field per element that
// renames it through bpmn-js's modeling (so the change is on the diagram at once and can be undone).

import { h, fill, replace } from '../../shared/dom';
import { showStatus } from '../../shared/messages';
import { texts } from './texts';

export interface DiagramElement {
  id: string;
  type: string;
  businessObject: {
    name?: string;
    $type: string;
    conditionExpression?: { body?: string };
    sourceRef?: { id: string; name?: string };
    targetRef?: { id: string; name?: string };
    flowNodeRef?: { id: string }[];
    incoming?: { id: string }[];
    outgoing?: { id: string }[];
  };
  labelTarget?: unknown;
  waypoints?: unknown;
}

export interface ModelerParts {
  elements(): DiagramElement[];
  rename(element: DiagramElement, name: string): void;
  select(element: DiagramElement): void;
}

const local = (type: string) => type.replace(/^bpmn:/, '');
const typeName = (type: string) => {
  const key = local(type);
  return texts.types[key.charAt(0).toLowerCase() + key.slice(1)] ?? key;
};

export function renderTextView(container: HTMLElement, parts: ModelerParts): void {
  const t = texts.text;
  const all = parts.elements().filter((e) => !e.labelTarget);
  const lanes = all.filter((e) => e.type === 'bpmn:Lane');
  const laneOf = new Map<string, string>();
  for (const lane of lanes) for (const ref of lane.businessObject.flowNodeRef ?? []) laneOf.set(ref.id, lane.businessObject.name || lane.id);
  const nodes = all.filter((e) => !e.waypoints && !['bpmn:Lane', 'bpmn:Process', 'bpmn:Collaboration', 'bpmn:Participant', 'label'].includes(e.type) && e.type.startsWith('bpmn:'));
  const flows = all.filter((e) => e.type === 'bpmn:SequenceFlow');
  const nameOf = (ref?: { id: string; name?: string }) => (ref ? (ref.name ? `${ref.name} (${ref.id})` : ref.id) : t.none);
  const focused = document.activeElement instanceof HTMLInputElement ? document.activeElement.id : null;

  const rows = nodes.map((e) => {
    const inputId = `name-${e.id}`;
    const input = h('input', { type: 'text', id: inputId, value: e.businessObject.name ?? '', 'aria-label': fill(t.rename, { id: e.id }) });
    input.addEventListener('change', () => {
      const name = input.value.trim();
      parts.rename(e, name);
      showStatus(fill(t.renamed, { id: e.id, name }));
    });
    return h('tr', { 'data-element-id': e.id },
      h('th', { scope: 'row' }, h('code', {}, e.id)),
      h('td', {}, typeName(e.type)),
      h('td', {}, input),
      h('td', {}, laneOf.get(e.id) ?? t.none),
      h('td', {}, (e.businessObject.incoming ?? []).map((f) => f.id).join(', ') || t.none),
      h('td', {}, (e.businessObject.outgoing ?? []).map((f) => f.id).join(', ') || t.none),
      h('td', {}, h('button', { type: 'button', class: 'button button-small', 'aria-label': fill(t.selectLabel, { id: e.id }), onclick: () => parts.select(e) }, t.select)));
  });

  replace(container,
    h('h2', { id: 'textansicht' }, t.heading),
    h('p', {}, t.intro),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t.elements },
      h('table', { class: 'data text-view' },
        h('caption', {}, t.elements),
        h('thead', {}, h('tr', {}, [t.id, t.type, t.name, t.lane, t.incoming, t.outgoing, t.select].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows))),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t.flows },
      h('table', { class: 'data text-view' },
        h('caption', {}, t.flows),
        h('thead', {}, h('tr', {}, [t.id, t.name, t.source, t.target, t.condition].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, flows.map((f) => h('tr', {},
          h('th', { scope: 'row' }, h('code', {}, f.id)),
          h('td', {}, f.businessObject.name ?? t.none),
          h('td', {}, nameOf(f.businessObject.sourceRef)),
          h('td', {}, nameOf(f.businessObject.targetRef)),
          h('td', {}, f.businessObject.conditionExpression?.body ?? t.none)))))),
    lanes.length === 0 ? null : h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t.lanes },
      h('table', { class: 'data text-view' },
        h('caption', {}, t.lanes),
        h('thead', {}, h('tr', {}, [t.id, t.name, t.members].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, lanes.map((l) => h('tr', {},
          h('th', { scope: 'row' }, h('code', {}, l.id)),
          h('td', {}, l.businessObject.name ?? t.none),
          h('td', {}, (l.businessObject.flowNodeRef ?? []).map((r) => r.id).join(', ') || t.none)))))));
  if (focused) document.getElementById(focused)?.focus();
}
