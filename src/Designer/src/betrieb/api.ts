// The operators' cockpit API (issue 11 items 7–8), as the pages /betrieb and /betrieb/{id} use it. Every call is a
// documented endpoint of /openapi/v1.json with the permission the same action needs anywhere else; nothing else.

import { api, getCounted, query, type Page } from '../shared/api';

export type CaseState = 'running' | 'completed' | 'terminated' | 'incident';

export interface InstanceSummary {
  id: string;
  processId: string;
  version: number;
  businessKey: string | null;
  state: 'running' | 'completed' | 'terminated';
  startedAt: string;
  endedAt: string | null;
  openIncidents: number;
}

export interface InstanceFilter {
  processId?: string;
  version?: number;
  state?: CaseState | '';
  businessKey?: string;
  startedFrom?: string;
  startedTo?: string;
  withIncident?: boolean;
}

export interface Incident {
  id: string;
  instanceId: string;
  rootInstanceId: string;
  processId: string | null;
  elementId: string;
  kind: string;
  message: string;
  createdAt: string;
  details: string | null;
}

export interface Instance {
  id: string;
  processId: string;
  version: number;
  businessKey: string | null;
  state: CaseState;
  variables: Record<string, unknown>;
  waiting: string[];
  incidents: Incident[];
  instanceIds: string[];
}

export interface ActiveElement {
  elementId: string;
  count: number;
  incidents: number;
  multiInstance: { total: number; active: number; completed: number; sequential: boolean } | null;
}

export interface Retrying {
  instanceId: string;
  elementId: string;
  kind: 'job' | 'activity' | 'externalTask';
  retriesLeft: number | null;
  message: string | null;
  nextTry: string | null;
}

export interface Activity {
  id: string;
  processId: string;
  version: number;
  state: CaseState;
  tokens: ActiveElement[];
  taken: { elementId: string; count: number }[];
  /** The sequence flows taken, as the history recorded them (empty on a store that records none). */
  flows?: { elementId: string; count: number }[];
  retrying: Retrying[];
  calledInstances: { id: string; processId: string; version: number; state: string }[];
}

export interface ElementInstance {
  elementId: string;
  elementType: string;
  elementName: string | null;
  instanceId: string;
  startedAt: string;
  endedAt: string | null;
  completed: boolean | null;
}

export interface VariableChange {
  name: string;
  change: string;
  oldValue: unknown;
  newValue: unknown;
  at: string;
  command: string | null;
  userId: string | null;
}

export interface OperatorAction {
  id: string;
  action: 'retry' | 'cancel' | 'setVariables' | 'migrate';
  reason: string | null;
  detail: string | null;
  userId: string;
  batchId: string | null;
  at: string;
}

export interface MigrationPlan {
  processId: string;
  fromVersion: number;
  toVersion: number;
  mapping: Record<string, string>;
  instanceIds?: string[];
}

export interface MigrationValidation {
  valid: boolean;
  errors: string[];
  instances: number;
  activeElements: { elementId: string; elementKind: string; mappedTo: string | null; explicit: boolean; instances: number }[];
}

export type BatchKind = 'retry' | 'cancel' | 'setVariables' | 'migrate';

export interface Batch {
  id: string;
  kind: BatchKind;
  reason: string | null;
  status: 'running' | 'completed' | 'cancelled';
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  pending: number;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface BatchItem {
  position: number;
  instanceId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped';
  message: string | null;
  finishedAt: string | null;
  /** The case's own reason, null when it took the batch's. */
  reason: string | null;
}

export interface BatchRequest {
  filter?: InstanceFilter;
  instanceIds?: string[];
  reason?: string;
  /** A case's own reason for its journal, by instance id (the others take `reason`). */
  reasons?: Record<string, string>;
  variables?: Record<string, unknown>;
  plan?: MigrationPlan;
}

const id = encodeURIComponent;
const batchPath: Record<BatchKind, string> = { retry: 'retry', cancel: 'cancel', setVariables: 'set-variables', migrate: 'migrate' };

export function filterQuery(f: InstanceFilter): Record<string, string | number | undefined> {
  return {
    processId: f.processId || undefined,
    version: f.version || undefined,
    state: f.state || undefined,
    businessKey: f.businessKey || undefined,
    startedFrom: f.startedFrom || undefined,
    startedTo: f.startedTo || undefined,
    withIncident: f.withIncident === undefined ? undefined : String(f.withIncident),
  };
}

export const cockpit = {
  list: (f: InstanceFilter, offset: number, limit: number, signal?: AbortSignal) =>
    api.get<Page<InstanceSummary>>(`/api/process-instances${query({ ...filterQuery(f), offset, limit })}`, signal),
  instance: (instanceId: string) => api.get<Instance>(`/api/process-instances/${id(instanceId)}`),
  activity: (instanceId: string) => api.get<Activity>(`/api/process-instances/${id(instanceId)}/activity`),
  /** A page of the case's steps (ended ones in order, then the active ones) with the total the server counted. */
  history: (instanceId: string, offset: number, limit: number) =>
    getCounted<ElementInstance>(`/api/process-instances/${id(instanceId)}/history${query({ offset, limit })}`),
  variableHistory: (instanceId: string, offset: number, limit: number) =>
    getCounted<VariableChange>(`/api/process-instances/${id(instanceId)}/history/variables${query({ offset, limit })}`),
  journal: (instanceId: string, offset: number, limit: number) =>
    api.get<Page<OperatorAction>>(`/api/process-instances/${id(instanceId)}/operator-actions${query({ offset, limit })}`),
  setVariables: (instanceId: string, variables: Record<string, unknown>, reason: string) =>
    api.put<Instance>(`/api/process-instances/${id(instanceId)}/variables`, { variables, reason }),
  cancel: (instanceId: string, reason: string) => api.post<Instance>(`/api/process-instances/${id(instanceId)}/cancel`, { reason }),
  retry: (incidentId: string) => api.post<Instance>(`/api/incidents/${id(incidentId)}/retry`),
  validateMigration: (plan: MigrationPlan) => api.post<MigrationValidation>('/api/migrations/validate', plan),
  startBatch: (kind: BatchKind, body: BatchRequest) => api.post<Batch>(`/api/batches/${batchPath[kind]}`, body),
  batches: (offset: number, limit: number) => api.get<Page<Batch>>(`/api/batches${query({ offset, limit })}`),
  batch: (batchId: string) => api.get<Batch>(`/api/batches/${id(batchId)}`),
  batchItems: (batchId: string, status: string, offset: number, limit: number) =>
    api.get<Page<BatchItem>>(`/api/batches/${id(batchId)}/items${query({ status, offset, limit })}`),
  stopBatch: (batchId: string) => api.post<Batch>(`/api/batches/${id(batchId)}/cancel`),
};

/** Waits for a batch to leave "running", calling back with each state it reads (about every 700 ms). */
export async function followBatch(batchId: string, progress: (b: Batch) => void, signal?: AbortSignal): Promise<Batch> {
  for (;;) {
    const b = await cockpit.batch(batchId);
    progress(b);
    if (b.status !== 'running' || signal?.aborted) return b;
    await new Promise((r) => setTimeout(r, 700));
  }
}
