// The figures as tables (the accessible form of the heatmap, BITV): the summary, per element, per gateway flow, per week.

import { h, fill } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { formatDuration, formatDay } from './format';
import { analyseTexts as t, typeName } from './texts';
import { lineChart } from './chart';
import type { Analytics } from './api';

const num = (n: number) => h('td', { class: 'number' }, formatNumber(n));
const dur = (ms: number | null) => h('td', { class: 'number' }, formatDuration(ms));

export function summary(a: Analytics): HTMLElement {
  const s = t.summary;
  const item = (label: string, value: string, key: string) =>
    h('div', { class: 'analyse-figure', 'data-figure': key }, h('dt', {}, label), h('dd', {}, value));
  return h('dl', { class: 'analyse-summary' },
    item(s.started, formatNumber(a.instances.started), 'started'),
    item(s.completed, formatNumber(a.instances.completed), 'completed'),
    item(s.cancelled, formatNumber(a.instances.cancelled), 'cancelled'),
    item(s.leadMedian, formatDuration(a.leadTime.medianMs), 'lead-median'),
    item(s.leadP90, formatDuration(a.leadTime.p90Ms), 'lead-p90'),
    item(s.incidents, formatNumber(a.incidents), 'incidents'),
    item(s.fristen, formatNumber(a.fristenMissed), 'fristen'));
}

/** A wide table scrolls sideways on small screens; a scrollable region must be reachable by keyboard (WCAG 2.1.1). */
export function scrollable(label: string, table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': label }, table);
}

export function elementTable(a: Analytics): HTMLElement {
  const e = t.elements;
  const rows = a.elements.filter((x) => x.count > 0 || x.incidents > 0 || x.cancelled > 0);
  if (rows.length === 0) return h('p', {}, e.none);
  return scrollable(e.caption,
    h('table', { class: 'data analyse-elements' },
      h('caption', {}, e.caption),
      h('thead', {}, h('tr', {}, [e.element, e.type, e.count, e.cancelled, e.median, e.p90, e.claimMedian, e.claimP90, e.incidents, e.fristen]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((x) => h('tr', { 'data-element-id': x.elementId },
        h('th', { scope: 'row' }, x.name ?? x.elementId, x.name ? h('span', { class: 'muted' }, ` (${x.elementId})`) : null),
        h('td', {}, typeName(x.type)),
        num(x.count), num(x.cancelled), dur(x.duration.medianMs), dur(x.duration.p90Ms),
        x.claimWait.count > 0 ? dur(x.claimWait.medianMs) : h('td', { class: 'number' }, '–'),
        x.claimWait.count > 0 ? dur(x.claimWait.p90Ms) : h('td', { class: 'number' }, '–'),
        num(x.incidents), num(x.fristenMissed))))));
}

export function gatewayTable(a: Analytics): HTMLElement {
  const g = t.gateways;
  if (a.gateways.length === 0) return h('p', {}, g.none);
  const names = new Map(a.elements.map((e) => [e.elementId, e.name ?? e.elementId]));
  return scrollable(g.caption,
    h('table', { class: 'data analyse-gateways' },
      h('caption', {}, g.caption),
      h('thead', {}, h('tr', {}, [g.gateway, g.flow, g.target, g.count, g.share].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, a.gateways.flatMap((gw) => {
        const total = gw.flows.reduce((n, f) => n + f.count, 0);
        return gw.flows.map((f) => h('tr', { 'data-flow-id': f.flowId },
          h('th', { scope: 'row' }, gw.name ?? gw.gatewayId),
          h('td', {}, f.name ?? f.flowId),
          h('td', {}, f.targetId ? names.get(f.targetId) ?? f.targetId : '–'),
          num(f.count),
          h('td', { class: 'number' }, total > 0 ? `${Math.round((f.count / total) * 100)} %` : '–')));
      }))));
}

export function weeksSection(a: Analytics, headingId: string): HTMLElement {
  const w = t.weeks;
  const labels = a.weeks.map((x) => x.weekStart);
  const chart = lineChart(labels, [
    { name: w.median, className: 'series-a', values: a.weeks.map((x) => x.medianMs) },
    { name: w.p90, className: 'series-b', values: a.weeks.map((x) => x.p90Ms) },
  ], w.chartLabel);
  return h('section', { 'aria-labelledby': headingId },
    h('h2', { id: headingId }, w.heading),
    h('figure', { class: 'analyse-chart' }, chart),
    h('details', {},
      h('summary', {}, w.table),
      scrollable(w.caption,
        h('table', { class: 'data' },
          h('caption', {}, w.caption),
          h('thead', {}, h('tr', {}, [w.week, w.count, w.median, w.p90].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, a.weeks.map((x) => h('tr', {}, h('th', { scope: 'row' }, formatDay(x.weekStart)), num(x.count), dur(x.medianMs), dur(x.p90Ms))))))));
}

export { fill };
