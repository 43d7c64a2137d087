// Dates and numbers as a German clerk reads them, in the administration's time zone.

const zone = 'Europe/Berlin';
const dateTime = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
const dateOnly = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: zone });
const numbers = new Intl.NumberFormat('de-DE');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/**
 * A date without a time: a Wiedervorlage that falls on midnight, and a legal Frist, which ends with the end of its last day
 * (BGB §188; the engine stores it as 23:59:59 Berlin time), show as a day.
 */
export function formatDue(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: zone }).format(d);
  return time === '00:00:00' || time === '23:59:59' || /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dateOnly.format(d) : dateTime.format(d);
}

export function formatNumber(n: number): string {
  return numbers.format(n);
}

export function isPast(iso: string | null | undefined, now = Date.now()): boolean {
  if (!iso) return false;
  const t = new Date(iso).getTime();
  return !Number.isNaN(t) && t < now;
}

/** A date input's value (yyyy-mm-dd) for an instant, in the administration's time zone. */
export function toDateInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone }).format(d);
}

/** A variable's value as text for a read-only view. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nein';
  if (typeof value === 'number') return numbers.format(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
