// The process catalogue and designer API (issue 11), as the pages use it: GET /api/processes, drafts, validation,
// deploy with a change note, scenarios against a draft. Every call goes through the shared same-origin client.

import { api, query, request, type Page } from '../shared/api';

export interface ProcessVersion {
  version: number;
  name: string | null;
  file: string;
  deployedAt: string;
  deployedBy: string | null;
  changeNote: string | null;
  latest: boolean;
  running: number;
  ended: number;
  openIncidents: number;
}

export interface ProcessSummary {
  processId: string;
  name: string | null;
  latestVersion: number;
  running: number;
  ended: number;
  openIncidents: number;
  versions: ProcessVersion[];
}

export const processes = {
  list: (q: string, offset: number, limit: number, signal?: AbortSignal) =>
    api.get<Page<ProcessSummary>>(`/api/processes${query({ q, offset, limit })}`, signal),
  get: (processId: string) => api.get<ProcessSummary>(`/api/processes/${encodeURIComponent(processId)}`),
};

/** The BPMN XML of a deployed version, as the engine's writer writes it. */
export async function versionXml(processId: string, version: number): Promise<string> {
  const response = await fetch(`/api/process-definitions/${encodeURIComponent(processId)}/versions/${version}/xml`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/xml, application/problem+json' },
  });
  if (!response.ok) {
    // The shared client turns the problem into the German message.
    return request<string>('GET', `/api/process-definitions/${encodeURIComponent(processId)}/versions/${version}/xml`);
  }
  return response.text();
}
