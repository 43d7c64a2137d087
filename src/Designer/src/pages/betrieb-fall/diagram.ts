// The case's diagram (bpmn-js NavigatedViewer): where tokens stand, with their number (and the multi-instance figures) as
// overlays, elements with an incident in red, and the path actually taken — the elements the case passed through and
// the sequence flows it took as the history recorded them (arrived_by) — in blue. The canvas is a picture for screen readers; the caption and the table
// "Stand" say the same as text. The bpmn.io watermark stays, as the bpmn.io licence requires.

import { h, fill, replace } from '../../shared/dom';
import { models } from '../../postkorb/api';
import type { Activity } from '../../betrieb/api';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './diagram.css';
import { texts } from './texts';

interface RegistryElement {
  id: string;
  type: string;
  source?: { id: string };
  target?: { id: string };
}

export async function renderDiagram(container: HTMLElement, activity: Activity): Promise<void> {
  const t = texts.diagram;
  const canvas = h('div', { class: 'diagram-canvas', id: 'betrieb-diagramm' });
  const current = activity.tokens.map((x) => `${x.elementId} (${fill(t.tokens, { count: x.count })})`).join(', ') || t.nothing;
  replace(container,
    h('h2', {}, t.heading),
    h('figure', { class: 'diagram' }, canvas,
      h('figcaption', { id: 'betrieb-diagramm-text' }, fill(t.description, { process: activity.processId, version: activity.version, current }), h('br'), t.legend)));
  try {
    const [{ default: NavigatedViewer }, xml] = await Promise.all([import('bpmn-js/lib/NavigatedViewer'), models.xml(activity.processId, activity.version)]);
    const viewer = new NavigatedViewer({ container: canvas });
    await viewer.importXML(xml);
    const c = viewer.get<{ zoom(mode: string): void; addMarker(id: string, marker: string): void }>('canvas');
    const registry = viewer.get<{ get(id: string): unknown; filter(fn: (e: RegistryElement) => boolean): RegistryElement[] }>('elementRegistry');
    const overlays = viewer.get<{ add(id: string, o: { position: Record<string, number>; html: HTMLElement }): void }>('overlays');
    c.zoom('fit-viewport');
    const taken = new Set(activity.taken.map((x) => x.elementId));
    const active = new Set(activity.tokens.map((x) => x.elementId));
    for (const id of taken) if (registry.get(id)) c.addMarker(id, 'betrieb-durchlaufen');
    // The flows the history recorded (arrived_by); only where the store records none, inferred from the elements passed.
    const recorded = (activity.flows ?? []).filter((x) => registry.get(x.elementId));
    if (recorded.length > 0) for (const x of recorded) c.addMarker(x.elementId, 'betrieb-durchlaufen');
    else
      for (const flow of registry.filter((e) => e.type === 'bpmn:SequenceFlow'))
        if (flow.source && flow.target && taken.has(flow.source.id) && (taken.has(flow.target.id) || active.has(flow.target.id)))
          c.addMarker(flow.id, 'betrieb-durchlaufen');
    for (const x of activity.tokens) {
      if (!registry.get(x.elementId)) continue;
      c.addMarker(x.elementId, x.incidents > 0 ? 'betrieb-stoerung' : 'betrieb-aktiv');
      const label = x.multiInstance ? `${x.count} · ${x.multiInstance.completed}/${x.multiInstance.total}` : String(x.count);
      overlays.add(x.elementId, { position: { bottom: 8, right: 8 }, html: h('span', { class: x.incidents > 0 ? 'token-count token-incident' : 'token-count', 'aria-hidden': 'true' }, label) });
    }
    const svg = canvas.querySelector('.djs-container > svg');
    svg?.setAttribute('role', 'img');
    svg?.setAttribute('aria-labelledby', 'betrieb-diagramm-text');
  } catch (e) {
    console.error(e);
    replace(canvas, h('p', {}, t.failed));
  }
}
