// The forms of the user tasks, next to the model: a table of the forms the model's user tasks name (camunda:formKey →
// NAME.form), each opened in the form-js editor. The form comes from the draft when it was edited there, else from the
// version the draft follows, else it starts empty. "Formular übernehmen" keeps it with the draft (saved on the server,
// deployed with it). The editor is a mouse tool; the field list (field-list.ts) and the JSON field below edit the same
// form with the keyboard.

import { h, fill, replace } from '../../shared/dom';
import { showError, showStatus } from '../../shared/messages';
import type { FormSchema } from '../../designer/api';
import { texts } from './texts';
import { FieldListEditor } from './field-list';

export interface FormsParts {
  /** The form files the model's user tasks name, with the ids of the tasks naming each. */
  formKeys(): Map<string, string[]>;
  /** Forms edited with the draft. */
  draftForms(): Record<string, FormSchema>;
  /** Forms of the deployed version the draft follows (loaded on demand), and its number. */
  versionForms(): Promise<{ version: number | null; forms: Record<string, FormSchema> }>;
  /** Keeps a form with the draft (saves the draft). */
  save(file: string, schema: FormSchema): Promise<boolean>;
}

interface Editor {
  importSchema(schema: unknown): Promise<unknown>;
  saveSchema(): FormSchema;
  on(event: string, callback: () => void): void;
  destroy(): void;
}

/** The file name a form key names (egov:forms/antrag → antrag.form), as the server resolves it. */
export function formFile(formKey: string): string | null {
  let name = formKey.trim();
  for (const prefix of ['camunda-forms:deployment:', 'camunda-forms:app:', 'egov:', 'deployment:'])
    if (name.toLowerCase().startsWith(prefix)) name = name.slice(prefix.length);
  if (!name || name.includes('..') || name.includes(':') || name.startsWith('/')) return null;
  const file = name.split('/').pop() ?? '';
  return file.endsWith('.form') ? file : `${file}.form`;
}

export class FormsSection {
  private editor: Editor | null = null;
  /** Takes the field list's last changes into the form-js editor (before the form is kept). */
  private pendingImport: (() => Promise<void>) | null = null;
  private readonly editorArea = h('div', { class: 'form-editor-area', hidden: true });

  constructor(private readonly container: HTMLElement, private readonly parts: FormsParts) {}

  async render(): Promise<void> {
    const f = texts.forms;
    const keys = this.parts.formKeys();
    const drafts = this.parts.draftForms();
    const version = keys.size > 0 ? await this.parts.versionForms().catch(() => ({ version: null, forms: {} as Record<string, FormSchema> })) : null;
    const state = (file: string) =>
      file in drafts ? f.stateDraft : version && file in version.forms ? fill(f.stateVersion, { version: version.version ?? '' }) : f.stateNew;
    replace(this.container,
      h('h2', { id: 'formulare' }, f.heading),
      h('p', {}, f.intro),
      keys.size === 0 ? h('p', {}, f.none) : h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': f.caption },
        h('table', { class: 'data' },
          h('caption', {}, f.caption),
          h('thead', {}, h('tr', {}, [f.file, f.tasks, f.state, f.edit].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, [...keys].map(([file, tasks]) => h('tr', { 'data-form': file },
            h('th', { scope: 'row' }, h('code', {}, file)),
            h('td', {}, tasks.join(', ')),
            h('td', {}, state(file)),
            h('td', {}, h('button', { type: 'button', class: 'button button-small', 'aria-label': fill(f.editLabel, { file }),
              onclick: () => void this.open(file, drafts[file] ?? version?.forms[file]) }, f.edit))))))),
      this.editorArea);
  }

  private async open(file: string, schema: FormSchema | undefined): Promise<void> {
    const f = texts.forms;
    const form: FormSchema = schema ?? { type: 'default', id: file.replace(/\.form$/, ''), components: [], schemaVersion: 18 };
    this.editor?.destroy();
    const canvas = h('div', { class: 'form-editor-canvas' });
    const json = h('textarea', { id: 'formular-json', rows: 10, spellcheck: 'false', class: 'code' });
    const headingId = 'formular-editor-ueberschrift';
    const fieldsArea = h('div', { class: 'field-list-editor' });
    replace(this.editorArea,
      h('h3', { id: headingId, tabindex: '-1' }, fill(f.editorHeading, { file })),
      h('p', { class: 'hint' }, f.editorHint),
      canvas,
      fieldsArea,
      h('div', { class: 'field' }, h('label', { for: 'formular-json' }, f.json), json),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'button button-primary', onclick: () => void this.apply(file, json) }, f.apply),
        h('button', { type: 'button', class: 'button', onclick: () => this.close() }, f.close)));
    this.editorArea.hidden = false;
    try {
      const { FormEditor } = await import('./form-editor');
      const editor = new FormEditor({ container: canvas }) as unknown as Editor;
      this.editor = editor;
      await editor.importSchema(form);
      json.value = JSON.stringify(editor.saveSchema(), null, 2);
      // The keyboard's way to the same form: the field list edits the schema, which goes into the editor and the JSON.
      // The field list's changes go into the JSON field at once and into the form-js editor when the focus leaves the
      // list (or at once for a new, removed or moved field). The editor takes the focus when it imports a form: when it
      // did, the focus goes back to where the analyst was in the list.
      let lastInList: HTMLElement | null = null;
      let pending: FormSchema | null = null;
      fieldsArea.addEventListener('focusin', (e) => { lastInList = e.target instanceof HTMLElement ? e.target : null; });
      const importNow = async (): Promise<void> => {
        if (!pending) return;
        const schema = pending;
        pending = null;
        await editor.importSchema(schema);
        if (!pending) fields.adopt(editor.saveSchema()); // not over changes made meanwhile
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const back = lastInList;
        const now = document.activeElement;
        if (back?.isConnected && (now === null || now === document.body || canvas.contains(now))) back.focus();
      };
      this.pendingImport = importNow;
      fieldsArea.addEventListener('focusout', (e) => {
        if (!(e.relatedTarget instanceof Node && fieldsArea.contains(e.relatedTarget))) void importNow().catch(showError);
      });
      const fields = new FieldListEditor(fieldsArea, (schema, structural) => {
        json.value = JSON.stringify(schema, null, 2);
        pending = schema;
        if (structural) void importNow().catch(showError);
      });
      fields.show(editor.saveSchema(), true);
      editor.on('changed', () => {
        if (document.activeElement !== json) json.value = JSON.stringify(editor.saveSchema(), null, 2);
        fields.show(editor.saveSchema());
      });
      json.addEventListener('change', () => void this.fromJson(json));
    } catch (e) {
      showError(e);
    }
    document.getElementById(headingId)?.focus();
  }

  private async fromJson(json: HTMLTextAreaElement): Promise<boolean> {
    try {
      const schema = JSON.parse(json.value) as FormSchema;
      if (!schema || !Array.isArray(schema.components)) throw new Error('components fehlt');
      await this.editor?.importSchema(schema);
      return true;
    } catch (e) {
      showError(new Error(fill(texts.forms.badJson, { error: e instanceof Error ? e.message : String(e) })));
      return false;
    }
  }

  private async apply(file: string, json: HTMLTextAreaElement): Promise<void> {
    if (!this.editor) return;
    await this.pendingImport?.();
    // What the JSON field says wins when it was edited last (it is imported into the editor first).
    if (document.activeElement === json && !(await this.fromJson(json))) return;
    if (await this.parts.save(file, this.editor.saveSchema())) {
      showStatus(fill(texts.forms.saved, { file }));
      await this.render();
    }
  }

  private close(): void {
    this.pendingImport = null;
    this.editor?.destroy();
    this.editor = null;
    this.editorArea.hidden = true;
    replace(this.editorArea);
  }
}
