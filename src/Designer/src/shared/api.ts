// The pages' one way to the server: same-origin fetch with the session cookie, the CSRF header on every change,
// JSON in and out, and every error as an ApiError carrying the RFC 9457 problem and a German message to show.

import { sharedTexts } from './texts';
import { fill } from './dom';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: unknown;
  [extension: string]: unknown;
}

/** A field the server refused, as the task form's 400 answer names it. */
export interface FieldError {
  field: string;
  message: string;
}

export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  total: number | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    message: string,
  ) {
    super(message);
  }

  /** The field errors of a 400 answer (`errors: [{field, message}]`), empty otherwise. */
  get fieldErrors(): FieldError[] {
    const errors = this.problem.errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .filter((e): e is FieldError => typeof e === 'object' && e !== null && typeof (e as FieldError).field === 'string')
      .map((e) => ({ field: e.field, message: String(e.message ?? '') }));
  }
}

const xsrfCookie = 'XSRF-TOKEN';
const xsrfHeader = 'X-XSRF-TOKEN';

/** The CSRF token the server set as a readable cookie (empty when there is none). */
export function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === xsrfCookie) return decodeURIComponent(rest.join('='));
  }
  return '';
}

type Body = object | FormData | undefined;

export async function request<T>(method: string, path: string, body?: Body, signal?: AbortSignal, onResponse?: (r: Response) => void): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET' && method !== 'HEAD') headers[xsrfHeader] = csrfToken();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, {}, sharedTexts.problems.network);
  }
  onResponse?.(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const problem = (typeof json === 'object' && json !== null ? json : {}) as Problem;
    throw new ApiError(response.status, problem, germanMessage(response.status, problem));
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T>(path: string, body?: Body) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: Body) => request<T>('PUT', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/**
 * A page of an older list endpoint that answers a plain array (an instance's history): the items and the total the
 * server counted (header X-Total-Count; the items' count when it is missing).
 */
export async function getCounted<T>(path: string, signal?: AbortSignal): Promise<{ items: T[]; total: number }> {
  let total: number | null = null;
  const items = await request<T[]>('GET', path, undefined, signal, (r) => {
    const header = r.headers.get('X-Total-Count');
    total = header === null || header === '' || Number.isNaN(Number(header)) ? null : Number(header);
  });
  const list = items ?? [];
  return { items: list, total: total ?? list.length };
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | null | undefined | string[]>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) q.set(key, value.join(','));
    } else q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The German message for an error answer. The server's own detail is added as a hint where it helps a person: a refused
 * command or a four-eyes refusal says why, a file too large says how large it may be, a refused type which types are
 * allowed (the Postkorb's endpoints answer these in German).
 */
export function germanMessage(status: number, problem: Problem): string {
  const p = sharedTexts.problems;
  if (status === 400 && /csrf/i.test(`${problem.title ?? ''} ${problem.detail ?? ''}`)) return p.csrf;
  const base =
    status === 0 ? p.network
    : status in p ? (p as unknown as Record<number, string>)[status]
    : status >= 500 ? p[500]
    : p[400];
  const showDetail = (status === 400 || status === 403 || status === 409 || status === 413 || status === 415) && problem.detail;
  return showDetail ? `${base} ${fill(p.details, { detail: problem.detail! })}` : base;
}

/** The items of a list answer (a Page, or a plain array from an older endpoint). */
export function itemsOf<T>(answer: Page<T> | T[] | null | undefined): T[] {
  if (!answer) return [];
  return Array.isArray(answer) ? answer : (answer.items ?? []);
}
