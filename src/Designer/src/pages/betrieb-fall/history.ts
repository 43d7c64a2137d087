// The case's history on its cockpit page, paged on the server: each table (interventions, steps, variable changes) reads
// one page at a time (offset/limit; the total from the answer), so a case with thousands of history rows shows all of
// them. Each table has its own pager: "Vorherige Seite" / "Nächste Seite" buttons tied to the table (aria-controls), the
// range in a polite live region, and the focus stays on the pager when a button goes out of use on the first or last page.

import { h, fill, replace } from '../../shared/dom';
import { formatNumber } from '../../shared/format';
import { sharedTexts } from '../../shared/texts';
import { showError } from '../../shared/messages';

/** Rows per page of a history table. */
export const historyPageSize = 100;

export interface PagedTable<T> {
  /** The id stem of the table and its pager (unique on the page). */
  id: string;
  caption: string;
  heads: string[];
  row: (item: T) => HTMLElement;
  read: (offset: number, limit: number) => Promise<{ items: T[]; total: number }>;
  /** What to show when the table has no row at all. */
  none: string;
}

/** A table paged on the server; `refresh()` reads its current page again (after a change to the case). */
export function pagedTable<T>(def: PagedTable<T>): { element: HTMLElement; refresh: () => Promise<void> } {
  const p = sharedTexts.paging;
  let offset = 0;
  let total = 0;
  const tableArea = h('div', { id: `${def.id}-tabelle` });
  const range = h('span', { class: 'pager-range', 'aria-live': 'polite', id: `${def.id}-bereich` });
  const previous = h('button', { type: 'button', class: 'button', 'aria-controls': `${def.id}-tabelle`, 'aria-describedby': `${def.id}-bereich`,
    onclick: () => void go(Math.max(0, offset - historyPageSize), previous) }, p.previous);
  const next = h('button', { type: 'button', class: 'button', 'aria-controls': `${def.id}-tabelle`, 'aria-describedby': `${def.id}-bereich`,
    onclick: () => void go(offset + historyPageSize, next) }, p.next);
  const pager = h('nav', { class: 'pager', 'aria-label': fill(p.labelOf, { name: def.caption }) }, previous, range, next);
  const element = h('div', { class: 'history-table' }, h('h3', { id: `${def.id}-titel` }, def.caption), tableArea, pager);

  async function go(to: number, pressed: HTMLButtonElement): Promise<void> {
    offset = to;
    await refresh();
    // A button that went out of use (first or last page) would drop the focus to the page's start: keep it on the pager.
    if (pressed.disabled) (pressed === next ? previous : next).focus();
  }

  async function refresh(): Promise<void> {
    try {
      let page = await def.read(offset, historyPageSize);
      if (page.items.length === 0 && offset > 0 && page.total > 0) {
        // The history shrank (retention) or the offset is stale: show the last page there is.
        offset = Math.floor((page.total - 1) / historyPageSize) * historyPageSize;
        page = await def.read(offset, historyPageSize);
      }
      total = page.total;
      replace(tableArea, page.items.length === 0 ? h('p', {}, def.none)
        : h('div', { class: 'table-wrap' }, h('table', { class: 'data' }, h('caption', { class: 'visually-hidden' }, def.caption),
          h('thead', {}, h('tr', {}, def.heads.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, page.items.map(def.row)))));
      const from = total === 0 ? 0 : offset + 1;
      const to = Math.min(offset + page.items.length, total);
      range.textContent = total === 0 ? p.empty : fill(p.range, { from: formatNumber(from), to: formatNumber(to), total: formatNumber(total) });
      previous.disabled = offset === 0;
      next.disabled = offset + historyPageSize >= total;
      pager.hidden = total <= historyPageSize && offset === 0;
    } catch (e) {
      showError(e);
    }
  }

  return { element, refresh };
}
