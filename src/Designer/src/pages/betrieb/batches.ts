// The cockpit's batch operations: the latest ones with their progress (refreshed while one runs), "Anhalten" for a
// running one, and the result report per case in a dialog (paged on the server, filterable by outcome).

import { h, fill, replace } from '../../shared/dom';
import { formatDateTime, formatNumber } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { sharedTexts } from '../../shared/texts';
import { cockpit, type Batch, type BatchItem } from '../../betrieb/api';
import { batchProgress } from '../../betrieb/progress';
import { texts } from './texts';

let area: HTMLElement | null = null;
let timer: number | undefined;
const t = texts.batches;

export function mountBatches(container: HTMLElement): void {
  area = container;
  void refreshBatches();
}

export async function refreshBatches(): Promise<void> {
  if (!area) return;
  window.clearTimeout(timer);
  try {
    const page = await cockpit.batches(0, 10);
    replace(area, h('h2', { id: 'sammelaktionen-titel' }, t.heading),
      page.items.length === 0 ? h('p', {}, t.none) : h('div', { class: 'table-wrap' }, h('table', { class: 'data batch-table' },
        h('caption', { class: 'visually-hidden' }, t.caption),
        h('thead', {}, h('tr', {}, [t.kind, t.status, t.progress, t.createdBy, t.createdAt, t.reason, t.report].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, page.items.map(row)))));
    if (page.items.some((b) => b.status === 'running')) timer = window.setTimeout(() => void refreshBatches(), 1000);
  } catch (e) {
    showError(e);
  }
}

function row(b: Batch): HTMLElement {
  const kind = t.kinds[b.kind] ?? b.kind;
  return h('tr', { 'data-batch-id': b.id },
    h('th', { scope: 'row' }, kind),
    h('td', {}, t.statuses[b.status] ?? b.status),
    h('td', {}, batchProgress(b, fill(t.progressLabel, { kind, done: formatNumber(b.total - b.pending), total: formatNumber(b.total) }))),
    h('td', {}, b.createdBy),
    h('td', {}, formatDateTime(b.createdAt)),
    h('td', {}, b.reason ?? '–'),
    h('td', {}, h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'button button-small', onclick: () => void report(b) }, t.showReport),
      b.status === 'running' ? h('button', { type: 'button', class: 'button button-small button-warning', onclick: () => void stop(b) }, t.stop) : null)));
}

async function stop(b: Batch): Promise<void> {
  try {
    await cockpit.stopBatch(b.id);
    showStatus(t.stopped);
    await refreshBatches();
  } catch (e) {
    showError(e);
  }
}

async function report(b: Batch): Promise<void> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const pageSize = 50;
  let offset = 0;
  let status = '';
  const body = h('div', { class: 'report-body', 'aria-live': 'polite' });
  const statusSelect = h('select', { id: 'bericht-filter', onchange: (e: Event) => { status = (e.target as HTMLSelectElement).value; offset = 0; void load(); } },
    h('option', { value: '' }, t.reportAll),
    Object.entries(t.itemStatuses).map(([value, text]) => h('option', { value }, text)));
  const dialog = h('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': 'bericht-titel' },
    h('h2', { id: 'bericht-titel' }, `${t.reportTitle}: ${t.kinds[b.kind] ?? b.kind}`),
    batchProgress(b),
    h('div', { class: 'field' }, h('label', { for: 'bericht-filter' }, t.reportFilter), statusSelect),
    body,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, sharedTexts.dialog.close)));
  dialog.addEventListener('close', () => { dialog.remove(); opener?.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  statusSelect.focus();
  await load();

  async function load(): Promise<void> {
    try {
      const page = await cockpit.batchItems(b.id, status, offset, pageSize);
      const total = page.total ?? page.items.length;
      const p = sharedTexts.paging;
      replace(body,
        h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
          h('caption', {}, t.reportCaption),
          h('thead', {}, h('tr', {}, [t.instance, t.result, t.message, t.ownReason].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, page.items.map((i: BatchItem) => h('tr', {},
            h('th', { scope: 'row' }, h('a', { href: `/betrieb/${encodeURIComponent(i.instanceId)}` }, h('code', {}, i.instanceId))),
            h('td', {}, h('span', { class: `badge item-${i.status}` }, t.itemStatuses[i.status] ?? i.status)),
            h('td', {}, i.message ?? '–'),
            h('td', {}, i.reason ?? t.batchReason)))))),
        h('nav', { class: 'pager', 'aria-label': p.label },
          h('button', { type: 'button', class: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - pageSize); void load(); } }, p.previous),
          h('span', {}, total === 0 ? p.empty : fill(p.range, { from: offset + 1, to: Math.min(offset + pageSize, total), total })),
          h('button', { type: 'button', class: 'button', disabled: offset + pageSize >= total, onclick: () => { offset += pageSize; void load(); } }, p.next)));
    } catch (e) {
      showError(e);
    }
  }
}
