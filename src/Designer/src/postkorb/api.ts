// The task API of the Postkorb (contract: /work/notes/postkorb-contract.md, built in src/Engine/Host/Api).

import { api, query, type Page } from '../shared/api';

export type ViewName = 'mine' | 'offered' | 'group' | 'overdue' | 'followup' | 'team';
export type SortKey = 'due' | 'priority' | 'created' | 'name' | 'businessKey';
export type Order = 'asc' | 'desc';

export interface TaskDto {
  id: string;
  name: string | null;
  elementId: string;
  processInstanceId: string;
  rootInstanceId: string;
  processId: string;
  processName: string | null;
  processVersion: number;
  businessKey: string | null;
  assignee: string | null;
  owner: string | null;
  delegationState: null | 'pending' | 'resolved';
  candidateUsers: string[];
  candidateGroups: string[];
  due: string | null;
  followUp: string | null;
  priority: number;
  createdAt: string;
  formKey: string | null;
  onBehalfOf: string | null;
  variables: Record<string, unknown> | null;
}

export type Counts = Record<ViewName, number>;

export interface TaskQuery {
  view: ViewName;
  sort: SortKey;
  order: Order;
  q: string;
  processId: string;
  assignee: string;
  candidateGroup: string;
  columns: string[];
  offset: number;
  limit: number;
}

export interface HistoryEntry {
  at: string;
  kind: string;
  elementId: string | null;
  elementName: string | null;
  userId: string | null;
  onBehalfOf: string | null;
  text: string | null;
}

export interface CaseDto {
  processName: string | null;
  processVersion: number;
  businessKey: string | null;
  instanceId: string;
  currentElementIds: string[];
  history: HistoryEntry[];
  variables: Record<string, unknown>;
}

export interface FormDto {
  kind: 'form-js' | 'generated' | 'none';
  schema: FormSchema | null;
  data: Record<string, unknown> | null;
}

export interface FormSchema {
  type?: string;
  components?: FormComponent[];
  [key: string]: unknown;
}

export interface FormComponent {
  id?: string;
  key?: string;
  type: string;
  label?: string;
  action?: string;
  components?: FormComponent[];
  [key: string]: unknown;
}

export interface Comment {
  id: string;
  at: string;
  userId: string;
  text: string;
}

export interface Attachment {
  hash: string;
  name: string;
  contentType: string;
  size: number;
  at: string;
  userId: string;
}

export interface SavedFilter {
  id: string;
  name: string;
  owner?: string;
  query: Partial<Omit<TaskQuery, 'offset' | 'limit' | 'columns'>>;
  columns: string[];
  sharedWithGroup: string | null;
}

const t = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;
const pi = (id: string) => `/api/process-instances/${encodeURIComponent(id)}`;

export const tasks = {
  list: (q: TaskQuery, signal?: AbortSignal) =>
    api.get<Page<TaskDto>>(
      `/api/tasks${query({
        view: q.view, sort: q.sort, order: q.order, q: q.q, processId: q.processId, assignee: q.assignee,
        candidateGroup: q.candidateGroup, columns: q.columns, offset: q.offset, limit: q.limit,
      })}`,
      signal,
    ),
  counts: () => api.get<Counts>('/api/tasks/counts'),
  get: (id: string) => api.get<TaskDto>(t(id)),
  form: (id: string) => api.get<FormDto>(`${t(id)}/form`),
  caseOf: (id: string) => api.get<CaseDto>(`${t(id)}/case`),
  claim: (id: string, takeOver: boolean) => api.post<TaskDto>(`${t(id)}/claim`, { takeOver }),
  unclaim: (id: string) => api.post<TaskDto>(`${t(id)}/unclaim`),
  delegate: (id: string, userId: string) => api.post<TaskDto>(`${t(id)}/delegate`, { userId }),
  resolve: (id: string, variables: Record<string, unknown>) => api.post<TaskDto>(`${t(id)}/resolve`, { variables }),
  assign: (id: string, userId: string) => api.post<TaskDto>(`${t(id)}/assign`, { userId }),
  followUp: (id: string, followUp: string | null) => api.post<TaskDto>(`${t(id)}/follow-up`, { followUp }),
  complete: (id: string, variables: Record<string, unknown>) => api.post<unknown>(`${t(id)}/complete`, { variables }),
};

export const caseFile = {
  comments: (instanceId: string) => api.get<Page<Comment>>(`${pi(instanceId)}/comments?limit=500`),
  addComment: (instanceId: string, text: string) => api.post<Comment>(`${pi(instanceId)}/comments`, { text }),
  attachments: (instanceId: string) => api.get<Page<Attachment>>(`${pi(instanceId)}/attachments?limit=500`),
  upload: (instanceId: string, file: File) => {
    const body = new FormData();
    body.append('file', file);
    return api.post<Attachment>(`${pi(instanceId)}/attachments`, body);
  },
  downloadUrl: (instanceId: string, hash: string) => `${pi(instanceId)}/attachments/${encodeURIComponent(hash)}`,
};

export const filters = {
  list: () => api.get<Page<SavedFilter>>('/api/filters?limit=500'),
  save: (f: Omit<SavedFilter, 'id' | 'owner'>) => api.post<SavedFilter>('/api/filters', f),
  remove: (id: string) => api.delete<void>(`/api/filters/${encodeURIComponent(id)}`),
};

export const models = {
  xml: async (processId: string, version: number): Promise<string> => {
    const response = await fetch(
      `/api/process-definitions/${encodeURIComponent(processId)}/versions/${version}/xml`,
      { credentials: 'same-origin', headers: { Accept: 'application/xml, text/xml' } },
    );
    if (!response.ok) throw new Error(`model ${processId} v${version}: HTTP ${response.status}`);
    return response.text();
  },
};
