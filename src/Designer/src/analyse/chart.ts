// A line chart in SVG (no chart library, nothing from another origin): weeks on the x axis, a duration on the y axis,
// one line per series. The picture has a text alternative; the same values always stand in a table beside it.

import { s } from './svg';
import { formatDuration, formatDay } from './format';

export interface Series {
  name: string;
  /** CSS class of the line (colour and dash pattern, so the series differ not by colour alone). */
  className: string;
  values: (number | null)[];
}

export function lineChart(labels: string[], series: Series[], label: string): SVGSVGElement {
  const width = 720;
  const height = 260;
  const pad = { left: 90, right: 16, top: 16, bottom: 48 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...series.flatMap((x) => x.values.filter((v): v is number => v !== null)));
  const x = (i: number) => pad.left + (labels.length <= 1 ? plotW / 2 : (i * plotW) / (labels.length - 1));
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
  // Axes and grid: four steps of the largest value.
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    svg.appendChild(s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'chart-grid' }));
    svg.appendChild(s('text', { x: pad.left - 6, y: y(v) + 4, class: 'chart-axis', 'text-anchor': 'end' }, formatDuration(v)));
  }
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % step === 0) svg.appendChild(s('text', { x: x(i), y: height - pad.bottom + 18, class: 'chart-axis', 'text-anchor': 'middle' }, formatDay(l)));
  });
  series.forEach((line, n) => {
    // Gaps (weeks without completed cases) break the line.
    let d = '';
    line.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d && line.values[i - 1] !== null && i > 0 ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    });
    if (d) svg.appendChild(s('path', { d, class: `chart-line ${line.className}` }));
    line.values.forEach((v, i) => {
      if (v !== null) svg.appendChild(s('circle', { cx: x(i), cy: y(v), r: 3.5, class: `chart-dot ${line.className}` }));
    });
    // Legend below the axis.
    const lx = pad.left + n * 220;
    svg.appendChild(s('line', { x1: lx, x2: lx + 28, y1: height - 10, y2: height - 10, class: `chart-line ${line.className}` }));
    svg.appendChild(s('text', { x: lx + 34, y: height - 6, class: 'chart-axis' }, line.name));
  });
  return svg;
}
