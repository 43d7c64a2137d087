// The diagram of a version (bpmn-js NavigatedViewer) with the figures on it: each element that ran carries a badge
// with its count and median time, and a colour from light to dark by count or by median duration (a heatmap); each
// outgoing flow of a gateway carries how often it was taken. For screen readers the diagram is one picture with a
// caption; the same figures stand in the tables. The bpmn.io watermark stays, as its licence requires.

import { h, fill } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { formatDuration } from './format';
import { analyseTexts as t } from './texts';
import type { Analytics, ElementFigures } from './api';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './analyse.css';

export interface Viewer {
  importXML(xml: string): Promise<unknown>;
  get<T>(name: string): T;
  getDefinitions(): unknown;
  destroy(): void;
}
export interface Canvas {
  zoom(mode: string): void;
  addMarker(id: string, marker: string): void;
}
interface Shape {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  waypoints?: { x: number; y: number }[];
}
interface Registry {
  get(id: string): Shape | undefined;
}
interface Overlays {
  add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): void;
  remove(filter: { type: string }): void;
}

export async function createViewer(container: HTMLElement, xml: string): Promise<Viewer> {
  const { default: NavigatedViewer } = await import('bpmn-js/lib/NavigatedViewer');
  const viewer = new NavigatedViewer({ container }) as unknown as Viewer;
  await viewer.importXML(xml);
  viewer.get<Canvas>('canvas').zoom('fit-viewport');
  return viewer;
}

/** The diagram as one picture described by the caption (its figures are in the tables). */
export function describe(container: HTMLElement, captionId: string): void {
  const svg = container.querySelector('.djs-container > svg');
  svg?.setAttribute('role', 'img');
  svg?.setAttribute('aria-labelledby', captionId);
}

export type ColourBy = 'count' | 'duration';

/** Heat level 1–5 of a value against the largest (log scale, so a few very frequent elements do not wash out the rest). */
function level(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(5, Math.ceil((Math.log1p(value) / Math.log1p(max)) * 5)));
}

export function paintHeatmap(viewer: Viewer, figures: Analytics, colourBy: ColourBy): void {
  const canvas = viewer.get<Canvas>('canvas');
  const registry = viewer.get<Registry>('elementRegistry');
  const overlays = viewer.get<Overlays>('overlays');
  overlays.remove({ type: 'analyse' });
  for (const k of [1, 2, 3, 4, 5]) {
    // Markers cannot be listed; remove them from every element that may carry one.
    for (const e of figures.elements) {
      const shape = registry.get(e.elementId);
      if (shape) (canvas as unknown as { removeMarker(id: string, m: string): void }).removeMarker(e.elementId, `heat-${k}`);
    }
  }
  const measured = figures.elements.filter((e) => e.count > 0 && registry.get(e.elementId));
  const value = (e: ElementFigures) => (colourBy === 'count' ? e.count : e.duration.medianMs ?? 0);
  const max = Math.max(0, ...measured.map(value));
  for (const e of measured) {
    const heat = level(value(e), max);
    if (heat > 0) canvas.addMarker(e.elementId, `heat-${heat}`);
    const shape = registry.get(e.elementId)!;
    const badge = h('div', { class: 'analyse-badge', 'data-element-id': e.elementId, 'aria-hidden': 'true' },
      fill(t.diagram.badge, { count: formatNumber(e.count), median: formatDuration(e.duration.medianMs) }));
    if (e.incidents > 0) badge.appendChild(h('span', { class: 'analyse-badge-incidents' }, ` ⚠ ${formatNumber(e.incidents)}`));
    overlays.add(e.elementId, 'analyse', { position: { top: shape.height + 2, left: 0 }, html: badge });
  }
  for (const g of figures.gateways)
    for (const f of g.flows) {
      const flow = registry.get(f.flowId);
      if (!flow?.waypoints?.length) continue;
      const xs = flow.waypoints.map((p) => p.x);
      const ys = flow.waypoints.map((p) => p.y);
      const mid = flow.waypoints[Math.floor(flow.waypoints.length / 2)];
      const left = Math.min(...xs);
      const top = Math.min(...ys);
      overlays.add(f.flowId, 'analyse', {
        position: { left: mid.x - left + 4, top: mid.y - top - 22 },
        html: h('div', { class: 'analyse-flow-badge', 'data-flow-id': f.flowId, 'aria-hidden': 'true' }, fill(t.diagram.flowBadge, { count: formatNumber(f.count) })),
      });
    }
}
