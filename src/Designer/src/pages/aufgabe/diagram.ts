// The process diagram with the current task highlighted (bpmn-js NavigatedViewer: pan with the mouse, zoom with the
// wheel). The canvas is a picture for screen readers; the figure's caption and the history carry the same facts as
// text. The bpmn.io watermark stays, as the bpmn.io licence requires.

import { h, fill, replace } from '../../shared/dom';
import { models } from '../../postkorb/api';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './diagram.css';
import { texts } from './texts';

export async function renderDiagram(container: HTMLElement, processId: string, version: number, processName: string, current: string[], stepName: string): Promise<void> {
  const canvasId = 'diagramm-bild';
  const captionId = 'diagramm-beschreibung';
  const canvas = h('div', { class: 'diagram-canvas', id: canvasId });
  replace(
    container,
    h('h2', {}, texts.diagram.heading),
    h('figure', { class: 'diagram' }, canvas, h('figcaption', { id: captionId }, fill(texts.diagram.description, { process: processName, step: stepName }))),
  );
  try {
    const [{ default: NavigatedViewer }, xml] = await Promise.all([import('bpmn-js/lib/NavigatedViewer'), models.xml(processId, version)]);
    const viewer = new NavigatedViewer({ container: canvas });
    await viewer.importXML(xml);
    const canvasApi = viewer.get<{ zoom(mode: string): void; addMarker(id: string, marker: string): void }>('canvas');
    canvasApi.zoom('fit-viewport');
    const registry = viewer.get<{ get(id: string): unknown }>('elementRegistry');
    for (const id of current) if (registry.get(id)) canvasApi.addMarker(id, 'aktueller-schritt');
    // For assistive technology the diagram is one picture described by the caption. The canvas stays focusable:
    // with the focus on it, the arrow keys move the diagram (bpmn-js keyboard binding).
    const svg = canvas.querySelector('.djs-container > svg');
    svg?.setAttribute('role', 'img');
    svg?.setAttribute('aria-labelledby', captionId);
  } catch (e) {
    console.error(e);
    replace(canvas, h('p', {}, texts.diagram.failed));
  }
}
