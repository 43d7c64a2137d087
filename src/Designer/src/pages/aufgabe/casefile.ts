// The case file: comments (read, add) and attachments (list, download, upload) of the task's process instance.

import { h, fill, replace } from '../../shared/dom';
import { itemsOf } from '../../shared/api';
import { formatDateTime, formatNumber } from '../../shared/format';
import { showError, showStatus } from '../../shared/messages';
import { caseFile, type Attachment, type Comment } from '../../postkorb/api';
import { texts } from './texts';

export function commentsSection(instanceId: string): HTMLElement {
  const t = texts.comments;
  const list = h('div', { class: 'comments' });
  const text = h('textarea', { id: 'kommentar-text', name: 'text', required: true, rows: 3, maxlength: 4000 });
  const form = h(
    'form',
    { class: 'comment-form' },
    h('div', { class: 'field' }, h('label', { for: 'kommentar-text' }, t.label), text),
    h('button', { type: 'submit', class: 'button' }, t.add),
  );
  const load = async () => {
    try {
      show(itemsOf(await caseFile.comments(instanceId)));
    } catch (e) {
      showError(e);
    }
  };
  const show = (comments: Comment[]) =>
    replace(
      list,
      comments.length === 0
        ? h('p', {}, t.empty)
        : h('ul', { class: 'plain-list' }, comments.map((c) => h('li', {}, h('p', { class: 'muted' }, fill(t.by, { user: c.userId, at: formatDateTime(c.at) })), h('p', { class: 'comment-text' }, c.text)))),
    );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      text.reportValidity();
      return;
    }
    try {
      await caseFile.addComment(instanceId, text.value.trim());
      text.value = '';
      await load();
      showStatus(t.added);
    } catch (err) {
      showError(err);
    }
  });
  void load();
  return h('section', { 'aria-labelledby': 'kommentare-titel' }, h('h2', { id: 'kommentare-titel' }, t.heading), list, form);
}

export function attachmentsSection(instanceId: string): HTMLElement {
  const t = texts.attachments;
  const list = h('div', { class: 'attachments' });
  const file = h('input', { type: 'file', id: 'anhang-datei', name: 'file', required: true });
  const form = h(
    'form',
    { class: 'attachment-form' },
    h('div', { class: 'field' }, h('label', { for: 'anhang-datei' }, t.file), file),
    h('button', { type: 'submit', class: 'button' }, t.upload),
  );
  const load = async () => {
    try {
      show(itemsOf(await caseFile.attachments(instanceId)));
    } catch (e) {
      showError(e);
    }
  };
  const show = (attachments: Attachment[]) =>
    replace(
      list,
      attachments.length === 0
        ? h('p', {}, t.empty)
        : h(
            'ul',
            { class: 'plain-list' },
            attachments.map((a) =>
              h(
                'li',
                {},
                h('a', { href: caseFile.downloadUrl(instanceId, a.hash), download: a.name, 'aria-label': fill(t.download, { name: a.name }) }, a.name),
                ' ',
                h('span', { class: 'muted' }, fill(t.meta, { size: size(a.size), user: a.userId, at: formatDateTime(a.at) })),
              ),
            ),
          ),
    );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      file.reportValidity();
      return;
    }
    try {
      const stored = await caseFile.upload(instanceId, chosen);
      file.value = '';
      await load();
      showStatus(fill(t.uploaded, { name: stored.name ?? chosen.name }));
    } catch (err) {
      showError(err);
    }
  });
  void load();
  return h('section', { 'aria-labelledby': 'anhaenge-titel' }, h('h2', { id: 'anhaenge-titel' }, t.heading), list, form);
}

function size(bytes: number): string {
  const t = texts.attachments;
  if (bytes < 1024) return fill(t.bytes, { n: formatNumber(bytes) });
  if (bytes < 1024 * 1024) return fill(t.kilobytes, { n: formatNumber(Math.round(bytes / 102.4) / 10) });
  return fill(t.megabytes, { n: formatNumber(Math.round(bytes / 104857.6) / 10) });
}
