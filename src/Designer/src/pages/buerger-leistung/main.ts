// Apply online (/buerger/leistungen/<processId>): the service's start form (form-js) prefilled from the BundID identity
// (those fields read-only; the server takes them from the identity anyway), a draft kept on the server, uploads, then a
// summary to confirm, the start, and the confirmation with the Aktenzeichen — and, when the service takes a fee, the way
// to the payment page. Three views in one page; each change of view moves the focus to its heading.

import { h, replace } from '../../shared/dom';
import { ApiError, api, request, type FieldError } from '../../shared/api';
import type { FormSchema } from '../../postkorb/api';
import { renderForm, type TaskForm } from '../aufgabe/form';
import '../../styles/base.css';
import './leistung.css';
import { fill, texts } from './texts';

interface DraftFile {
  hash: string;
  name: string;
  contentType: string;
  size: number;
}

interface StartFormDto {
  processId: string;
  name: string;
  schema: FormSchema;
  data: Record<string, unknown>;
  identityFields: string[];
  draft: { updatedAt: string; expiresAt: string } | null;
  files: DraftFile[];
  draftDays: number;
  maxFileBytes: number;
  maxFiles: number;
}

interface SummaryLine {
  key: string;
  label: string;
  value: string;
  fromIdentity: boolean;
}

interface Started {
  id: string;
  aktenzeichen: string;
  service: string;
  accessCode: string | null;
  /** The access code under the name the status pages use (issue 13 item 4), and its page. */
  zugangscode?: string | null;
  statusUrl?: string | null;
  emailSent: boolean;
  payment: string | null;
  status: string;
}

const processId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[2] ?? '');
const base = `/api/citizen/services/${encodeURIComponent(processId)}`;
const drafts = `/api/citizen/drafts/${encodeURIComponent(processId)}`;

const main = h('main', { id: 'inhalt', tabindex: '-1', class: 'buerger-main' });
replace(
  document.getElementById('app') ?? document.body,
  h('a', { class: 'skip-link', href: '#inhalt' }, texts.skipLink),
  h(
    'header',
    { class: 'buerger-header' },
    h('nav', { 'aria-label': texts.nav }, h('a', { href: '/buerger' }, texts.product), h('a', { href: '/buerger/vorgaenge' }, texts.myCases)),
  ),
  main,
  h('footer', { class: 'buerger-footer' }, h('a', { href: '/barrierefreiheit' }, texts.accessibility)),
);

const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
let dto: StartFormDto;
let data: Record<string, unknown> = {};
let files: DraftFile[] = [];

const germanDate = (iso: string) => new Date(iso).toLocaleDateString('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric' });

/** The server's German detail where it gave one, else the general message. */
function messageOf(e: unknown): string {
  if (e instanceof ApiError) return (typeof e.problem.detail === 'string' && e.problem.detail) || e.message;
  return texts.loadFailed;
}

function view(title: string, ...children: Parameters<typeof replace>[1][]): void {
  document.title = `${title} – ${texts.product}`;
  const heading = h('h1', { tabindex: '-1' }, title);
  replace(main, heading, ...children);
  heading.focus();
}

async function load(): Promise<void> {
  replace(main, h('p', { role: 'status' }, texts.loading));
  try {
    dto = await api.get<StartFormDto>(`${base}/form`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      location.href = `/buerger/anmelden?returnUrl=${encodeURIComponent(location.pathname)}`;
      return;
    }
    if (e instanceof ApiError && e.status === 403 && typeof e.problem.stepUp === 'string') {
      view(texts.stepUpHeading, h('p', { class: 'alert', role: 'alert' }, messageOf(e)), h('p', {}, h('a', { class: 'button', href: e.problem.stepUp }, texts.stepUp)));
      return;
    }
    view(texts.loadFailed, h('p', { class: 'alert', role: 'alert' }, e instanceof ApiError && e.status === 404 ? texts.notOffered : messageOf(e)));
    return;
  }
  data = dto.data ?? {};
  files = dto.files ?? [];
  await showForm(dto.draft ? fill(texts.draftLoaded, { date: germanDate(dto.draft.expiresAt) }) : '');
}

async function showForm(message: string): Promise<void> {
  const formHost = h('div', {});
  const fileList = h('ul', { class: 'dateien' });
  const fileInput = h('input', { type: 'file', id: 'datei', accept: '.pdf,.png,.jpg,.jpeg,.gif,.xml,.csv,.txt' });
  const filesBox = h(
    'fieldset',
    {},
    h('legend', {}, texts.filesHeading),
    h('p', { id: 'datei-hinweis' }, fill(texts.filesHint, { max: dto.maxFiles, size: Math.round(dto.maxFileBytes / 1024 / 1024) })),
    h('label', { for: 'datei' }, texts.fileLabel),
    ' ',
    fileInput,
    ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => void upload(fileInput, fileList) }, texts.upload),
    fileList,
  );
  fileInput.setAttribute('aria-describedby', 'datei-hinweis');
  view(
    dto.name,
    h('p', {}, texts.intro),
    h('p', {}, fill(texts.draftKept, { days: dto.draftDays })),
    status,
    formHost,
    filesBox,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => void next(form) }, texts.next),
      h('button', { type: 'button', class: 'secondary', onclick: () => void saveDraft(form) }, texts.saveDraft),
      h('button', { type: 'button', class: 'secondary', onclick: () => void discard() }, texts.discardDraft),
    ),
  );
  status.textContent = message;
  renderFiles(fileList);
  const form: TaskForm = await renderForm(formHost, { kind: 'form-js', schema: dto.schema, data }, true);
  current = form;
}

// The draft is also kept without the button: when the citizen goes on to the summary (the step is left) and when the page
// is left or hidden (another tab, the browser closed). Quietly — only a change is saved, and nothing is announced that the
// citizen did not ask for; the summary says that the answers are kept.
let current: TaskForm | null = null;
let lastSaved = '';

async function autoSave(values: Record<string, unknown>): Promise<boolean> {
  const json = JSON.stringify(values);
  if (json === lastSaved) return true;
  try {
    await api.put(drafts, { data: values });
    lastSaved = json;
    return true;
  } catch {
    return false; // the button still saves, with a message
  }
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden' && current) void autoSave(current.raw());
});

function renderFiles(list: HTMLElement): void {
  if (files.length === 0) {
    replace(list, h('li', {}, texts.noFiles));
    return;
  }
  replace(
    list,
    files.map((f) =>
      h(
        'li',
        {},
        `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`,
        h('button', { type: 'button', class: 'secondary', 'aria-label': fill(texts.removeLabel, { name: f.name }), onclick: () => void removeFile(f, list) }, texts.remove),
      ),
    ),
  );
}

async function upload(input: HTMLInputElement, list: HTMLElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) {
    status.textContent = texts.noFile;
    input.focus();
    return;
  }
  const body = new FormData();
  body.append('file', file, file.name);
  try {
    const saved = await request<DraftFile>('POST', `${drafts}/files`, body);
    files = [...files.filter((f) => f.hash !== saved.hash), saved];
    input.value = '';
    renderFiles(list);
    status.textContent = fill(texts.uploaded, { name: saved.name });
  } catch (e) {
    status.textContent = messageOf(e);
  }
}

async function removeFile(file: DraftFile, list: HTMLElement): Promise<void> {
  try {
    await api.delete(`${drafts}/files/${encodeURIComponent(file.hash)}`);
    files = files.filter((f) => f.hash !== file.hash);
    renderFiles(list);
    status.textContent = fill(texts.removed, { name: file.name });
  } catch (e) {
    status.textContent = messageOf(e);
  }
}

async function saveDraft(form: TaskForm): Promise<void> {
  data = form.raw(); // unchecked: a draft may be incomplete
  try {
    const saved = await api.put<{ expiresAt: string }>(drafts, { data });
    lastSaved = JSON.stringify(data);
    status.textContent = fill(texts.draftSaved, { date: germanDate(saved.expiresAt) });
  } catch (e) {
    status.textContent = messageOf(e);
  }
}

async function discard(): Promise<void> {
  try {
    await api.delete(drafts);
    lastSaved = '';
    files = [];
    data = {};
    dto = await api.get<StartFormDto>(`${base}/form`);
    data = dto.data ?? {};
    await showForm(texts.draftDiscarded);
  } catch (e) {
    status.textContent = messageOf(e);
  }
}

async function next(form: TaskForm): Promise<void> {
  const values = form.values();
  if (!values) return;
  data = values;
  try {
    const answer = await api.post<{ summary: SummaryLine[] }>(`${base}/check`, { data });
    const kept = await autoSave(data);
    current = null;
    showSummary(answer.summary, kept);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      const errors: FieldError[] = e.fieldErrors;
      if (errors.length > 0) {
        form.showErrors(errors);
        return;
      }
    }
    status.textContent = messageOf(e);
  }
}

function showSummary(lines: SummaryLine[], kept: boolean): void {
  const sending = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, kept ? texts.draftAutoSaved : '');
  const send = h('button', { type: 'button' }, texts.send);
  send.addEventListener('click', () => void start(send, sending));
  view(
    texts.summaryHeading,
    h('p', {}, texts.summaryIntro),
    h(
      'dl',
      { class: 'zusammenfassung' },
      lines.map((l) => [h('dt', {}, l.label), h('dd', {}, l.value, l.fromIdentity ? ` ${texts.fromBundId}` : '')]),
      files.length > 0 ? [h('dt', {}, texts.summaryFiles), h('dd', {}, files.map((f) => f.name).join(', '))] : [],
    ),
    sending,
    h('div', { class: 'actions' }, send, h('button', { type: 'button', class: 'secondary', onclick: () => void showForm('') }, texts.change)),
  );
}

async function start(button: HTMLButtonElement, sending: HTMLElement): Promise<void> {
  button.disabled = true;
  sending.textContent = texts.sending;
  try {
    const started = await api.post<Started>(`${base}/start`, { data });
    current = null;
    lastSaved = '';
    showDone(started);
  } catch (e) {
    button.disabled = false;
    sending.textContent = messageOf(e);
  }
}

function showDone(s: Started): void {
  const code = s.accessCode ?? s.zugangscode ?? null;
  view(
    texts.doneTitle,
    h('p', {}, fill(texts.doneIntro, { service: s.service })),
    h('h2', {}, texts.aktenzeichen),
    h('p', { class: 'aktenzeichen', id: 'aktenzeichen' }, s.aktenzeichen),
    h('p', {}, texts.aktenzeichenHint),
    code
      ? [
          h('h2', {}, texts.accessCode),
          h('p', { class: 'aktenzeichen', id: 'zugangscode' }, code),
          h('p', {}, texts.accessCodeHint),
          s.statusUrl ? h('p', {}, h('a', { href: s.statusUrl }, texts.statusPage)) : null,
        ]
      : h('p', {}, texts.noAccessCode),
    s.emailSent ? h('p', {}, texts.emailSent) : null,
    s.payment
      ? [h('h2', {}, texts.payHeading), h('p', {}, texts.payIntro), h('p', {}, h('a', { class: 'button', href: s.payment }, texts.pay))]
      : null,
    h('p', {}, h('a', { class: s.payment ? 'button secondary' : 'button', href: s.status }, texts.toCases)),
  );
}

void load();
