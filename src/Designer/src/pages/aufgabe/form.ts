// The task's form, rendered by form-js and prefilled from the variables. Completing reads its values (form-js checks
// them first); the server checks them again and its 400 field errors are shown at the fields and in a summary at the
// top of the form. Without a form the task is completed with a plain "Abschließen".

import { h, replace } from '../../shared/dom';
import type { FieldError } from '../../shared/api';
import type { FormComponent, FormDto, FormSchema } from '../../postkorb/api';
import { germanValidationModule } from './form-messages';
import { keepFormGerman } from './form-german';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import './form.css';
import { texts } from './texts';

interface FormJs {
  importSchema(schema: FormSchema, data?: Record<string, unknown>): Promise<unknown>;
  submit(): { data: Record<string, unknown>; errors: Record<string, string[]> };
  _getState(): { data: Record<string, unknown> };
  _setState(state: { errors: Record<string, string[]> }): void;
  destroy(): void;
}

export interface TaskForm {
  /** The values to complete with, or null when the form shows errors. */
  values(): Record<string, unknown> | null;
  /** Shows the server's field errors at the fields and in the summary. */
  showErrors(errors: FieldError[]): void;
  /** The answers as typed so far, unchecked (a citizen's draft may be incomplete). */
  raw(): Record<string, unknown>;
}

export async function renderForm(container: HTMLElement, dto: FormDto, editable: boolean): Promise<TaskForm> {
  const summary = h('div', { class: 'form-errors', tabindex: '-1', id: 'formular-fehler' });
  const host = h('div', { class: 'form-host' });
  replace(container, h('h2', { id: 'formular-titel' }, texts.form.heading), summary, host);
  if (dto.kind === 'none' || !dto.schema) {
    host.append(h('p', {}, texts.form.noForm));
    return { values: () => ({}), showErrors: (errors) => showSummary(summary, errors, new Map()), raw: () => ({}) };
  }
  const schema = withoutButtons(dto.schema);
  const ids = keyToId(schema.components ?? []);
  let form: FormJs;
  try {
    const { Form } = await import('@bpmn-io/form-js-viewer');
    form = new Form({ container: host, properties: { readOnly: !editable }, additionalModules: [germanValidationModule] }) as unknown as FormJs;
    await form.importSchema(schema, dto.data ?? {});
    keepFormGerman(host);
  } catch (e) {
    console.error(e);
    replace(host, h('p', { role: 'alert' }, texts.form.failed));
    return { values: () => null, showErrors: () => undefined, raw: () => ({}) };
  }
  return {
    raw() {
      try {
        return { ...form._getState().data };
      } catch {
        return {};
      }
    },
    values() {
      const { data, errors } = form.submit();
      const invalid = Object.entries(errors ?? {}).filter(([, list]) => list.length > 0);
      if (invalid.length === 0) {
        replace(summary);
        return data;
      }
      const idToKey = new Map([...ids].map(([k, v]) => [v, k]));
      showSummary(summary, invalid.map(([id, list]) => ({ field: idToKey.get(id) ?? id, message: list[0] })), ids, host);
      return null;
    },
    showErrors(errors) {
      const byId: Record<string, string[]> = {};
      for (const e of errors) {
        const id = ids.get(e.field);
        if (id) (byId[id] ??= []).push(e.message);
      }
      try {
        form._setState({ errors: byId });
      } catch {
        /* the summary below still names every field */
      }
      showSummary(summary, errors, ids, host);
    },
  };
}

/** The form's own submit/reset buttons are dropped: the page's "Abschließen" submits. */
function withoutButtons(schema: FormSchema): FormSchema {
  const strip = (components: FormComponent[]): FormComponent[] =>
    components.filter((c) => c.type !== 'button').map((c) => (c.components ? { ...c, components: strip(c.components) } : c));
  return { ...schema, components: strip(schema.components ?? []) };
}

/**
 * Variable name (key) → form-js component id, for every field in the schema. A field in a group with a `path` is named
 * by its dotted path (`adresse.plz`), as the server names its errors.
 */
function keyToId(components: FormComponent[], map = new Map<string, string>(), prefix = ''): Map<string, string> {
  for (const c of components) {
    if (c.key && c.id) map.set(prefix + c.key, c.id);
    const path = c.type === 'group' && typeof c.path === 'string' && c.path.trim() !== '' ? `${prefix}${c.path.trim()}.` : prefix;
    if (c.components) keyToId(c.components, map, path);
  }
  return map;
}

function fieldLabel(key: string, host?: HTMLElement, id?: string): { label: string; control: HTMLElement | null } {
  const control = id && host ? host.querySelector<HTMLElement>(`[id$="-${CSS.escape(id)}"]`) : null;
  const label = control?.id ? host?.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent?.trim() : undefined;
  // form-js marks required fields with an asterisk in the label; the summary names the field without it.
  return { label: label?.replace(/\s*\*$/, '') || key, control };
}

/** An error summary: a heading, each error a link that moves the focus to its field. It takes the focus itself. */
function showSummary(summary: HTMLElement, errors: FieldError[], ids: Map<string, string>, host?: HTMLElement): void {
  if (errors.length === 0) {
    replace(summary);
    return;
  }
  replace(
    summary,
    h('h3', {}, texts.form.errorsHeading),
    h(
      'ul',
      {},
      errors.map((e) => {
        const { label, control } = fieldLabel(e.field, host, ids.get(e.field));
        const text = `${label}: ${e.message}`;
        if (!control) return h('li', {}, text);
        const link = h('a', { href: `#${control.id}` }, text);
        link.addEventListener('click', (ev) => {
          ev.preventDefault();
          control.focus();
        });
        return h('li', {}, link);
      }),
    ),
  );
  summary.classList.add('message', 'message-alert');
  summary.focus();
}
