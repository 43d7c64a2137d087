// Modal dialogs on the native <dialog> element: it makes the rest of the page inert, keeps focus inside, closes on
// Escape and is announced as a dialog. Focus goes back to the control that opened it.

import { h, type Child } from './dom';
import { sharedTexts } from './texts';

let counter = 0;

interface DialogParts {
  title: string;
  description?: Child;
  body?: Child;
  confirm: string;
  /** The confirm button submits the dialog's form; the fields' values come back. */
  danger?: boolean;
}

function open(parts: DialogParts): Promise<FormData | null> {
  const id = `dialog-${++counter}`;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    let result: FormData | null = null;
    const form = h(
      'form',
      { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: `${id}-title` }, parts.title),
      parts.description ? h('div', { id: `${id}-desc`, class: 'dialog-description' }, parts.description) : null,
      parts.body ?? null,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'submit', class: parts.danger ? 'button button-warning' : 'button button-primary', value: 'ok' }, parts.confirm),
        h('button', { type: 'button', class: 'button', value: 'cancel', onclick: () => dialog.close() }, sharedTexts.dialog.cancel),
      ),
    );
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': `${id}-title`, 'aria-describedby': parts.description ? `${id}-desc` : null },
      form,
    );
    form.addEventListener('submit', (e) => {
      if (!form.checkValidity()) {
        e.preventDefault();
        form.reportValidity();
        return;
      }
      result = new FormData(form);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      opener?.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    // The first field, or for a question the confirming button (a deliberate second step, not a default to escape).
    const first = form.querySelector<HTMLElement>('input, select, textarea') ?? form.querySelector<HTMLElement>('button[type=submit]');
    first?.focus();
  });
}

/** Asks a yes/no question; true when confirmed. */
export async function confirmDialog(title: string, description: Child, confirm: string, danger = false): Promise<boolean> {
  return (await open({ title, description, confirm, danger })) !== null;
}

/** A dialog with form fields; their values when confirmed, null when cancelled. */
export function formDialog(title: string, body: Child, confirm: string, description?: Child): Promise<FormData | null> {
  return open({ title, body, confirm, description });
}

/** A labelled field for dialogs and forms: the label is always visible and tied to the control. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  const id = control.id || `field-${++counter}`;
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, control);
}
