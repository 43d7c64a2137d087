// Rückfrage: the clerk asks the citizen a question from the task page; the citizen answers on their status page
// (text and files). Shown only for a case applied for online (the API says so with `online`).

import { h, fill, replace } from '../../shared/dom';
import { api } from '../../shared/api';
import { field, formDialog } from '../../shared/dialog';
import { formatDateTime } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { caseFile } from '../../postkorb/api';
import { rueckfrageTexts as t } from './rueckfrage-texts';

interface InquiryFile { hash: string; name: string }
interface Inquiry { id: string; question: string; askedBy: string; askedAt: string; answer: string | null; answeredAt: string | null; files: InquiryFile[] }
interface Inquiries { online: boolean; processInstanceId: string; items: Inquiry[] }

const path = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/rueckfragen`;

/** The section (empty and hidden while loading, and for a case not applied for online). */
export function rueckfrageSection(taskId: string): HTMLElement {
  const section = h('section', { class: 'task-rueckfragen', 'aria-labelledby': 'rueckfragen-titel', hidden: true });
  const list = h('div', {});
  const ask = h('button', { type: 'button', class: 'button', 'data-focus': 'rueckfrage' }, t.ask);
  const load = async () => {
    try {
      const answer = await api.get<Inquiries>(path(taskId));
      if (!answer.online) return;
      section.hidden = false;
      show(answer);
    } catch (e) {
      showError(e);
    }
  };
  const show = (answer: Inquiries) =>
    replace(
      list,
      answer.items.length === 0
        ? h('p', {}, t.empty)
        : h('ul', { class: 'plain-list' }, answer.items.map((i) =>
            h('li', {},
              h('p', { class: 'muted' }, fill(t.askedBy, { user: i.askedBy, at: formatDateTime(i.askedAt) })),
              h('p', { class: 'comment-text' }, i.question),
              i.answeredAt
                ? h('div', {},
                    h('p', { class: 'muted' }, fill(t.answer, { at: formatDateTime(i.answeredAt) })),
                    h('p', { class: 'comment-text' }, i.answer ?? ''),
                    i.files.length ? h('p', {}, t.files, ' ', ...i.files.map((f) =>
                      h('a', { href: caseFile.downloadUrl(answer.processInstanceId, f.hash), download: f.name, 'aria-label': fill(t.download, { name: f.name }) }, f.name))) : '')
                : h('p', {}, t.open)))),
    );
  ask.addEventListener('click', async () => {
    const text = h('textarea', { name: 'frage', required: true, rows: 5, maxlength: 2000 });
    const values = await formDialog(t.dialogTitle, field(t.question, text), t.send, t.dialogText);
    if (!values) return;
    try {
      await api.post(path(taskId), { frage: String(values.get('frage') ?? '').trim() });
      await load();
      showStatus(t.asked);
      ask.focus();
    } catch (e) {
      showError(e);
    }
  });
  replace(section, h('h2', { id: 'rueckfragen-titel' }, t.heading), h('p', { class: 'hint' }, t.intro), list, ask);
  void load();
  return section;
}
