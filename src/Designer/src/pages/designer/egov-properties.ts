// The properties-panel provider for the engine's own egov: attributes (docs/egov-moddle.json): a group "EGov Workflows"
// with the custom activity of a task (chosen from the activities the server has, with their declared inputs and outputs),
// four eyes of a user task, the milestone citizens see, the trust level of a start, a process's validity and legal basis;
// and a group "Frist" with the legal deadline (egov:frist, fristBeginn, fristArt, fiktion) and its Hemmung (docs/fristen.md).
// Every change goes through modeling.updateModdleProperties, so it can be undone like any other edit.

import { TextFieldEntry, CheckboxEntry, SelectEntry, isTextFieldEntryEdited, isCheckboxEntryEdited, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';
import type { ElementTemplate } from '../../designer/api';
import { texts } from './texts';

interface BusinessObject {
  id?: string;
  $type: string;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  processRef?: BusinessObject;
  $parent?: BusinessObject;
  flowElements?: BusinessObject[];
  name?: string;
}
interface Shape {
  id: string;
  businessObject: BusinessObject;
}
interface Group {
  id: string;
  label: string;
  entries: Entry[];
}
interface Entry {
  id: string;
  element: Shape;
  component: (props: { element: Shape; id: string }) => unknown;
  isEdited: (node: unknown) => boolean;
}
interface Modeling {
  updateModdleProperties(element: Shape, bo: BusinessObject, properties: Record<string, unknown>): void;
}
interface Option {
  value: string;
  label: string;
}

/** The activities the server has, from its element templates (set once they are loaded). */
let catalogue: ElementTemplate[] = [];
export function setActivityCatalogue(templates: ElementTemplate[]): void {
  catalogue = templates;
}

const activityOf = (template: ElementTemplate) => template.properties.find((p) => p.binding.name === 'egov:activity')?.value ?? '';

/** The business object whose egov: attributes an element shows: a participant shows its process's. */
function target(element: Shape): BusinessObject {
  const bo = element.businessObject;
  return bo.$instanceOf('bpmn:Participant') && bo.processRef ? bo.processRef : bo;
}

function textEntry(attribute: string, label: string, hint?: string) {
  return function Entry(props: { element: Shape; id: string }) {
    const modeling = useService<Modeling>('modeling');
    const debounce = useService<unknown>('debounceInput');
    const bo = target(props.element);
    return jsx(TextFieldEntry, {
      id: props.id,
      element: props.element,
      label,
      description: hint,
      debounce,
      getValue: () => (bo.get(`egov:${attribute}`) as string | undefined) ?? '',
      setValue: (value: string) =>
        modeling.updateModdleProperties(props.element, bo, { [`egov:${attribute}`]: value ? value : undefined }),
    });
  };
}

function checkboxEntry(attribute: string, label: string, hint?: string) {
  return function Entry(props: { element: Shape; id: string }) {
    const modeling = useService<Modeling>('modeling');
    const bo = target(props.element);
    return jsx(CheckboxEntry, {
      id: props.id,
      element: props.element,
      label,
      description: hint,
      getValue: () => bo.get(`egov:${attribute}`) === true,
      setValue: (value: boolean) => modeling.updateModdleProperties(props.element, bo, { [`egov:${attribute}`]: value ? true : undefined }),
    });
  };
}

function selectEntry(attribute: string, label: string, options: (bo: BusinessObject) => Option[], hint?: (bo: BusinessObject) => string | undefined) {
  return function Entry(props: { element: Shape; id: string }) {
    const modeling = useService<Modeling>('modeling');
    const bo = target(props.element);
    return jsx(SelectEntry, {
      id: props.id,
      element: props.element,
      label,
      description: hint?.(bo),
      getOptions: () => {
        const list = [{ value: '', label: texts.egov.none }, ...options(bo)];
        const current = (bo.get(`egov:${attribute}`) as string | undefined) ?? '';
        // A value the list does not know (an activity the server lacks) stays visible, so it is not lost silently.
        if (current && !list.some((o) => o.value === current)) list.push({ value: current, label: `${current} ${texts.egov.unknownSuffix}` });
        return list;
      },
      getValue: () => (bo.get(`egov:${attribute}`) as string | undefined) ?? '',
      setValue: (value: string) => modeling.updateModdleProperties(props.element, bo, { [`egov:${attribute}`]: value ? value : undefined }),
    });
  };
}

const activityOptions = (): Option[] =>
  catalogue.map((t) => ({ value: activityOf(t), label: `${t.name} (${activityOf(t)})` })).sort((a, b) => a.label.localeCompare(b.label, 'de'));

/** What the chosen activity declares: its inputs (required ones marked) and outputs, from its template. */
function activityHint(bo: BusinessObject): string {
  const t = texts.egov;
  const name = bo.get('egov:activity') as string | undefined;
  const template = name ? catalogue.find((x) => activityOf(x) === name) : undefined;
  if (!template) return name ? t.activityUnknown : t.activityHint;
  const inputs = template.properties.filter((p) => p.binding.type === 'camunda:inputParameter').map((p) => p.label ?? p.binding.name);
  const outputs = template.properties.filter((p) => p.binding.type === 'camunda:outputParameter').map((p) => p.value ?? '');
  return [`${t.inputs}: ${inputs.join(', ') || '–'}`, `${t.outputs}: ${outputs.join(', ') || '–'}`, t.templateHint].join(' · ');
}

/** The other user tasks of the process (and its sub-processes) the four-eyes rule can name. */
function otherUserTasks(bo: BusinessObject): Option[] {
  let process = bo.$parent;
  while (process && !process.$instanceOf('bpmn:Process')) process = process.$parent;
  const found: Option[] = [];
  const walk = (n?: BusinessObject) => {
    for (const e of n?.flowElements ?? []) {
      if (e.$instanceOf('bpmn:UserTask') && e.id && e.id !== bo.id) found.push({ value: e.id, label: e.name ? `${e.name} (${e.id})` : e.id });
      walk(e);
    }
  };
  walk(process);
  return found;
}

const is = (bo: BusinessObject, ...types: string[]) => types.some((x) => bo.$instanceOf(x));

function egovEntries(element: Shape): Entry[] {
  const bo = target(element);
  const list: Entry[] = [];
  const t = texts.egov;
  const add = (attribute: string, component: Entry['component'], isEdited: Entry['isEdited']) =>
    list.push({ id: `egov-${attribute}`, element, component, isEdited });
  if (is(bo, 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent'))
    add('activity', selectEntry('activity', t.activity, activityOptions, activityHint), isSelectEntryEdited);
  if (is(bo, 'bpmn:UserTask')) add('fourEyes', selectEntry('fourEyes', t.fourEyes, otherUserTasks, () => t.fourEyesHint), isSelectEntryEdited);
  if (is(bo, 'bpmn:FlowNode')) add('milestone', textEntry('milestone', t.milestone, t.milestoneHint), isTextFieldEntryEdited);
  if (is(bo, 'bpmn:Process', 'bpmn:StartEvent'))
    add('trustLevel', selectEntry('trustLevel', t.trustLevel, () => ['niedrig', 'substanziell', 'hoch'].map((v) => ({ value: v, label: v })), () => t.trustLevelHint), isSelectEntryEdited);
  if (is(bo, 'bpmn:Process')) {
    add('validFrom', textEntry('validFrom', t.validFrom, t.dateHint), isTextFieldEntryEdited);
    add('validTo', textEntry('validTo', t.validTo, t.dateHint), isTextFieldEntryEdited);
    add('legalBasis', textEntry('legalBasis', t.legalBasis), isTextFieldEntryEdited);
    add('uniqueBusinessKey', checkboxEntry('uniqueBusinessKey', t.uniqueBusinessKey), isCheckboxEntryEdited);
  }
  return list;
}

function fristEntries(element: Shape): Entry[] {
  const bo = target(element);
  const list: Entry[] = [];
  const f = texts.frist;
  const add = (attribute: string, component: Entry['component'], isEdited: Entry['isEdited']) =>
    list.push({ id: `egov-${attribute}`, element, component, isEdited });
  if (is(bo, 'bpmn:Process', 'bpmn:UserTask', 'bpmn:ReceiveTask', 'bpmn:BoundaryEvent', 'bpmn:IntermediateCatchEvent')) {
    add('frist', textEntry('frist', f.frist, is(bo, 'bpmn:Process') ? f.fristProcessHint : f.fristHint), isTextFieldEntryEdited);
    add('fristBeginn', textEntry('fristBeginn', f.beginn, f.beginnHint), isTextFieldEntryEdited);
    add('fristArt', selectEntry('fristArt', f.art, () => [{ value: 'Ereignis', label: f.ereignis }, { value: 'Beginn', label: f.beginnfrist }], () => f.artHint), isSelectEntryEdited);
    if (is(bo, 'bpmn:BoundaryEvent', 'bpmn:IntermediateCatchEvent')) add('fiktion', checkboxEntry('fiktion', f.fiktion, f.fiktionHint), isCheckboxEntryEdited);
  }
  if (is(bo, 'bpmn:UserTask', 'bpmn:ReceiveTask', 'bpmn:IntermediateCatchEvent', 'bpmn:SubProcess', 'bpmn:CallActivity'))
    add('fristHemmung', checkboxEntry('fristHemmung', f.hemmung, f.hemmungHint), isCheckboxEntryEdited);
  return list;
}

class EgovPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }) {
    // Below the element templates' provider (300), which keeps only its own groups on an element with a template.
    propertiesPanel.registerProvider(200, this);
  }

  getGroups(element: Shape) {
    return (groups: Group[]) => {
      const egov = egovEntries(element);
      if (egov.length > 0) groups.push({ id: 'egov', label: texts.egov.group, entries: egov });
      const frist = fristEntries(element);
      if (frist.length > 0) groups.push({ id: 'egov-frist', label: texts.frist.group, entries: frist });
      return groups;
    };
  }
}

export const egovPropertiesModule = {
  __init__: ['egovPropertiesProvider'],
  egovPropertiesProvider: ['type', EgovPropertiesProvider],
};
