// Element templates of the custom activities: the server generates them from the activities' SDK declarations
// (GET /api/designer/element-templates); bpmn-js-element-templates shows them in the properties panel (group "Vorlage").
// Its "Auswählen" button asks for a chooser: this module answers with an accessible dialog (radio buttons on a native
// <dialog>) listing the templates that apply to the element, and applies the chosen one through elementTemplates
// (one command, undoable).

import { h, fill } from '../../shared/dom';
import { formDialog } from '../../shared/dialog';
import { showError, showStatus } from '../../shared/messages';
import type { ElementTemplate } from '../../designer/api';
import { texts } from './texts';

interface EventBus {
  on(event: string, callback: (e: { element: unknown; errors?: unknown[] }) => void): void;
}
interface ElementTemplatesService {
  getLatest(element: unknown): ElementTemplate[];
  applyTemplate(element: unknown, template: ElementTemplate): unknown;
}

class TemplateChooser {
  static $inject = ['eventBus', 'elementTemplates'];

  constructor(eventBus: EventBus, private readonly elementTemplates: ElementTemplatesService) {
    eventBus.on('elementTemplates.select', (e) => void this.choose(e.element));
    eventBus.on('elementTemplates.errors', (e) => {
      if (e.errors?.length) showError(new Error(fill(texts.templates.invalid, { count: e.errors.length })));
    });
  }

  async choose(element: unknown): Promise<void> {
    const t = texts.templates;
    const list = this.elementTemplates.getLatest(element);
    if (list.length === 0) {
      showStatus(t.none);
      return;
    }
    const options = h('fieldset', { class: 'template-choices' },
      h('legend', {}, t.choose),
      list.map((template, i) => h('div', { class: 'template-choice' },
        h('input', { type: 'radio', name: 'template', id: `vorlage-${i}`, value: template.id, required: true, checked: i === 0 }),
        h('label', { for: `vorlage-${i}` }, h('strong', {}, template.name), template.description ? h('span', { class: 'hint' }, ` – ${template.description}`) : null))));
    const values = await formDialog(t.title, options, t.apply, t.description);
    const chosen = list.find((x) => x.id === values?.get('template'));
    if (!chosen) return;
    this.elementTemplates.applyTemplate(element, chosen);
    showStatus(fill(t.applied, { name: chosen.name }));
  }
}

export const templateChooserModule = {
  __init__: ['egovTemplateChooser'],
  egovTemplateChooser: ['type', TemplateChooser],
};
