// A batch's progress as a native <progress> with its figures in words (the bar is labelled, the counts are text).

import { h, fill } from '../shared/dom';
import { formatNumber } from '../shared/format';
import type { Batch } from './api';
import { betriebTexts } from './texts';
import './betrieb.css';

export function batchProgress(b: Batch, label?: string): HTMLElement {
  const done = b.total - b.pending;
  const t = betriebTexts.progress;
  const text = label ?? fill(t.label, { done: formatNumber(done), total: formatNumber(b.total) });
  return h('div', { class: 'batch-progress' },
    h('progress', { max: String(Math.max(1, b.total)), value: String(done), 'aria-label': text }),
    h('span', {}, `${fill(t.label, { done: formatNumber(done), total: formatNumber(b.total) })} – `,
      fill(t.counts, { succeeded: formatNumber(b.succeeded), failed: formatNumber(b.failed), skipped: formatNumber(b.skipped), pending: formatNumber(b.pending) })));
}
