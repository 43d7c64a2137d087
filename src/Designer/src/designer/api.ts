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

export interface Draft {
  processId: string;
  owner: string;
  xml: string;
  basedOnVersion: number | null;
  updatedAt: string;
}

export interface ModelProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
  elementId: string | null;
  text: string;
}

export interface Validation {
  valid: boolean;
  problems: ModelProblem[];
}

export interface ScenarioResult {
  file: string;
  name: string;
  passed: boolean;
  failure: string | null;
}

export interface ScenarioRun {
  results: ScenarioResult[];
  passed: number;
  failed: number;
}

export interface DeployedVersion {
  processId: string;
  version: number;
  changeNote: string | null;
}

const designerPath = (processId: string, rest: string) => `/api/designer/${encodeURIComponent(processId)}/${rest}`;

export const designer = {
  draft: (processId: string) => api.get<Draft>(designerPath(processId, 'draft')),
  saveDraft: (processId: string, xml: string, basedOnVersion: number | null) =>
    api.put<Draft>(designerPath(processId, 'draft'), { xml, basedOnVersion }),
  discardDraft: (processId: string) => api.delete<void>(designerPath(processId, 'draft')),
  validate: (processId: string, xml: string) => api.post<Validation>(designerPath(processId, 'validate'), { xml }),
  deploy: (processId: string, xml: string, changeNote: string) => api.post<DeployedVersion>(designerPath(processId, 'deploy'), { xml, changeNote }),
  scenarios: (processId: string, xml: string) => api.post<ScenarioRun>(designerPath(processId, 'scenarios'), { xml }),
};
