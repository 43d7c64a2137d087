// Durations as an analyst reads them: "45 s", "12 Min.", "3 Std. 20 Min.", "4 Tg. 2 Std.".

import { formatNumber } from '../shared/format';

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${formatNumber(Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} Min.`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return m % 60 ? `${hours} Std. ${m % 60} Min.` : `${hours} Std.`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${formatNumber(days)} Tg. ${hours % 24} Std.` : `${formatNumber(days)} Tg.`;
}

/** A German date (3. Dez. 2026) for an ISO day (2026-12-03). */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

/** A change between two figures, signed, as a percentage ("+12 %", "−5 %"), or "–". */
export function formatChange(a: number | null, b: number | null): string {
  if (a === null || b === null || a === 0) return '–';
  const p = Math.round(((b - a) / a) * 100);
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)} %`;
}
