// The KVP analytics API (issue 11 item 6) as the analysis and comparison pages use it:
// GET /api/analytics/{processId}?from=&to=&version= and its CSV.

import { api, query } from '../shared/api';

export interface Duration {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface ElementFigures {
  elementId: string;
  name: string | null;
  type: string | null;
  count: number;
  cancelled: number;
  duration: Duration;
  claimWait: Duration;
  incidents: number;
  fristenMissed: number;
}

export interface FlowFigures {
  flowId: string;
  name: string | null;
  targetId: string | null;
  count: number;
}

export interface GatewayFigures {
  gatewayId: string;
  name: string | null;
  flows: FlowFigures[];
}

export interface WeekFigures {
  weekStart: string;
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Analytics {
  processId: string;
  version: number | null;
  from: string;
  to: string;
  instances: { started: number; completed: number; cancelled: number };
  leadTime: Duration;
  weeks: WeekFigures[];
  elements: ElementFigures[];
  gateways: GatewayFigures[];
  flowsTaken: Record<string, number>;
  incidents: number;
  fristenMissed: number;
}

export interface Period {
  from: string;
  to: string;
}

function params(period: Period, version: number | null): string {
  return query({ from: period.from, to: period.to, version });
}

export const analytics = {
  get: (processId: string, period: Period, version: number | null) =>
    api.get<Analytics>(`/api/analytics/${encodeURIComponent(processId)}${params(period, version)}`),
  csvUrl: (processId: string, period: Period, version: number | null) =>
    `/api/analytics/${encodeURIComponent(processId)}/csv${params(period, version)}`,
};

/** The default period: the last 90 days up to today (Berlin). */
export function defaultPeriod(): Period {
  const day = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(d);
  const now = new Date();
  return { from: day(new Date(now.getTime() - 89 * 86_400_000)), to: day(now) };
}

/** Whether an element ran at all in the period (count, incidents or cancellations). */
export function ran(e: ElementFigures): boolean {
  return e.count > 0 || e.incidents > 0;
}
