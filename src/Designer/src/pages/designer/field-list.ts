// The form's fields as a list that works with the keyboard and a screen reader (BITV 2.0): the form-js editor is a
// drag-and-drop tool. Each top-level field of the form JSON is one row with its label, key, type and "Pflichtfeld", moved
// up or down or removed with named buttons; "Feld hinzufügen" appends a text field. Every change edits the same form JSON
// the form-js editor shows (it is imported there again), so both always show one form. Fields inside a group stay as
// they are (the JSON field edits them).

import { h, fill, replace } from '../../shared/dom';
import type { FormSchema } from '../../designer/api';
import { texts } from './texts';

interface Component {
  id?: string;
  type?: string;
  key?: string;
  label?: string;
  text?: string;
  validate?: { required?: boolean; [k: string]: unknown };
  values?: unknown[];
  components?: unknown[];
  [k: string]: unknown;
}

/** The field types offered (form-js types of input fields); a field of another type keeps it and shows it as well. */
const inputTypes = ['textfield', 'textarea', 'number', 'checkbox', 'select', 'radio', 'checklist', 'datetime'] as const;
const withValues = new Set(['select', 'radio', 'checklist']);

export class FieldListEditor {
  private schema: FormSchema = { components: [] };
  private readonly live = h('p', { class: 'visually-hidden field-list-live', 'aria-live': 'polite' });
  private readonly body = h('div', {});
  /**
   * True while the list draws itself. Drawing removes the focused button (Chromium then fires focusout, the page imports
   * the list's pending form into the form-js editor and the editor's change event offers that form to show()): the list's
   * own form is the newer one then, or a move would be taken back before it reaches the editor, the JSON and the save.
   */
  private drawing = false;

  /**
   * <paramref name="changed"/> receives the edited form (for the form-js editor and the JSON field); <c>structural</c> is
   * true when fields were added, removed, moved or changed their kind, false for a label, key or Pflichtfeld.
   */
  constructor(private readonly container: HTMLElement, private readonly changed: (schema: FormSchema, structural: boolean) => void) {
    const f = texts.fieldList;
    replace(container,
      h('h4', { id: 'felder-titel' }, f.heading),
      h('p', { class: 'hint' }, f.intro),
      this.body,
      h('button', { type: 'button', class: 'button', id: 'feld-hinzufuegen', onclick: () => this.add() }, f.add),
      this.live);
  }

  /** Shows a form (after the form-js editor or the JSON field changed it); not while a field of the list has the focus. */
  show(schema: FormSchema, force = false): void {
    // While the analyst works in the list, the list's own form is the newer one (its changes may not be imported yet).
    if (this.drawing || (!force && this.container.contains(document.activeElement) && document.activeElement !== this.container)) return;
    this.schema = structuredClone(schema);
    this.render();
  }

  /**
   * Takes the form back as the form-js editor keeps it after an import (with the rows it gave new fields), without drawing
   * the list again unless the editor changed the order.
   */
  adopt(schema: FormSchema): void {
    const ids = (list: unknown[]) => (list as Component[]).map((c) => c.id).join('|');
    const reordered = ids(schema.components) !== ids(this.schema.components);
    this.schema = structuredClone(schema);
    if (reordered) this.render(document.activeElement instanceof HTMLElement && this.container.contains(document.activeElement) ? document.activeElement.id : undefined);
  }

  private get components(): Component[] {
    return this.schema.components as Component[];
  }

  private render(focusId?: string): void {
    this.drawing = true;
    try {
      this.draw(focusId);
    } finally {
      this.drawing = false;
    }
  }

  private draw(focusId?: string): void {
    const f = texts.fieldList;
    const list = this.components;
    replace(this.body, list.length === 0 ? h('p', {}, f.none) : h('ol', { class: 'field-list', 'aria-labelledby': 'felder-titel' }, list.map((c, n) => {
      const id = `feld-${n}`;
      const title = c.label || c.text || c.key || c.type || '';
      const isInput = typeof c.key === 'string' || inputTypes.includes(c.type as (typeof inputTypes)[number]);
      const type = h('select', { id: `${id}-typ`, onchange: (e: Event) => this.setType(n, (e.target as HTMLSelectElement).value) },
        [...new Set([...inputTypes, c.type ?? ''])].filter(Boolean).map((t) => h('option', { value: t, selected: t === c.type }, f.types[t as keyof typeof f.types] ?? t)));
      return h('li', { class: 'field-list-item' },
        h('fieldset', {}, h('legend', {}, fill(f.itemLegend, { n: n + 1, name: title })),
          h('div', { class: 'inline-fields' },
            h('div', { class: 'field' }, h('label', { for: `${id}-beschriftung` }, f.label),
              h('input', { type: 'text', id: `${id}-beschriftung`, value: c.label ?? '', onchange: (e: Event) => this.set(n, 'label', (e.target as HTMLInputElement).value) })),
            isInput ? h('div', { class: 'field' }, h('label', { for: `${id}-schluessel` }, f.key),
              h('input', { type: 'text', id: `${id}-schluessel`, value: c.key ?? '', autocomplete: 'off', spellcheck: 'false',
                onchange: (e: Event) => this.setKey(n, (e.target as HTMLInputElement)) })) : null,
            h('div', { class: 'field' }, h('label', { for: `${id}-typ` }, f.type), type),
            isInput ? h('div', { class: 'checkbox' },
              h('input', { type: 'checkbox', id: `${id}-pflicht`, checked: Boolean(c.validate?.required), onchange: (e: Event) => this.setRequired(n, (e.target as HTMLInputElement).checked) }),
              h('label', { for: `${id}-pflicht` }, f.required)) : null),
          h('div', { class: 'toolbar', role: 'group', 'aria-label': fill(f.moveGroup, { name: title }) },
            h('button', { type: 'button', class: 'button button-small', id: `${id}-hoch`, disabled: n === 0, onclick: () => this.move(n, -1) }, f.up),
            h('button', { type: 'button', class: 'button button-small', id: `${id}-runter`, disabled: n === list.length - 1, onclick: () => this.move(n, 1) }, f.down),
            h('button', { type: 'button', class: 'button button-small', id: `${id}-entfernen`, onclick: () => this.remove(n) }, f.remove))));
    })));
    if (focusId) document.getElementById(focusId)?.focus();
  }

  /** A change of order or kind: the list is drawn again and the focus put where the change happened. */
  private commit(message: string, focusId?: string): void {
    this.render(focusId);
    this.announce(message, true);
  }

  /** A change inside a row (label, key, Pflichtfeld): the row stays as it is, so Tab goes on to the next control. */
  private announce(message: string, structural = false): void {
    this.live.textContent = message;
    this.changed(structuredClone(this.schema), structural);
  }

  private set(n: number, property: 'label', value: string): void {
    this.components[n][property] = value;
    const legend = this.body.querySelectorAll('.field-list-item legend')[n];
    if (legend) legend.textContent = fill(texts.fieldList.itemLegend, { n: n + 1, name: value || this.components[n].key || '' });
    this.announce(fill(texts.fieldList.changed, { name: value || String(n + 1) }));
  }

  private setKey(n: number, input: HTMLInputElement): void {
    const f = texts.fieldList;
    const key = input.value.trim();
    // A key names a process variable: letters, digits, underscore, not starting with a digit; unique in the form.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || this.components.some((c, m) => m !== n && c.key === key)) {
      input.setAttribute('aria-invalid', 'true');
      this.live.textContent = fill(f.badKey, { key });
      input.value = this.components[n].key ?? '';
      return;
    }
    this.components[n].key = key;
    input.removeAttribute('aria-invalid');
    this.announce(fill(f.changed, { name: this.components[n].label || key }));
  }

  private setType(n: number, type: string): void {
    const c = this.components[n];
    c.type = type;
    if (withValues.has(type) && !Array.isArray(c.values) && !c.valuesKey) c.values = [{ label: texts.fieldList.valueLabel, value: 'wert1' }];
    if (!c.key && inputTypes.includes(type as (typeof inputTypes)[number])) c.key = this.freeKey();
    this.commit(fill(texts.fieldList.changed, { name: c.label || c.key || type }), `feld-${n}-typ`);
  }

  private setRequired(n: number, required: boolean): void {
    const c = this.components[n];
    c.validate = { ...(c.validate ?? {}), required };
    this.announce(fill(required ? texts.fieldList.nowRequired : texts.fieldList.notRequired, { name: c.label || c.key || '' }));
  }

  private move(n: number, by: -1 | 1): void {
    const list = this.components;
    const to = n + by;
    if (to < 0 || to >= list.length) return;
    // form-js orders the fields by their rows (layout.row): the two fields change rows as well as places.
    [list[n].layout, list[to].layout] = [list[to].layout, list[n].layout];
    [list[n], list[to]] = [list[to], list[n]];
    const edge = to === 0 || to === list.length - 1;
    // The focus follows the field to its new place (on the other button when this one went out of use).
    const focus = `feld-${to}-${by < 0 ? (edge && to === 0 ? 'runter' : 'hoch') : (edge && to === list.length - 1 ? 'hoch' : 'runter')}`;
    this.commit(fill(texts.fieldList.moved, { name: list[to].label || list[to].key || '', position: to + 1, count: list.length }), focus);
  }

  private remove(n: number): void {
    const [gone] = this.components.splice(n, 1);
    const next = this.components.length === 0 ? 'feld-hinzufuegen' : `feld-${Math.min(n, this.components.length - 1)}-beschriftung`;
    this.commit(fill(texts.fieldList.removed, { name: gone.label || gone.key || '' }), next);
  }

  private add(): void {
    const key = this.freeKey();
    const suffix = Math.random().toString(36).slice(2, 9);
    this.components.push({ type: 'textfield', id: `Field_${suffix}`, key, label: texts.fieldList.newLabel });
    this.commit(fill(texts.fieldList.added, { key }), `feld-${this.components.length - 1}-beschriftung`);
  }

  private freeKey(): string {
    const used = new Set(this.components.map((c) => c.key));
    let n = this.components.length + 1;
    while (used.has(`feld${n}`)) n++;
    return `feld${n}`;
  }
}
