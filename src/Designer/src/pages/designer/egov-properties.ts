// The properties-panel provider for the engine's own egov: attributes (docs/egov-moddle.json): a group "EGov
// Workflows" with the custom activity of a task, four eyes of a user task, and a process's validity and legal basis.
// Every change goes through modeling.updateProperties, so it can be undone like any other edit.

import { TextFieldEntry, CheckboxEntry, isTextFieldEntryEdited, isCheckboxEntryEdited } from '@bpmn-io/properties-panel';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';
import { texts } from './texts';

interface BusinessObject {
  $type: string;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  processRef?: BusinessObject;
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
  updateProperties(element: Shape, properties: Record<string, unknown>): void;
  updateModdleProperties(element: Shape, bo: BusinessObject, properties: Record<string, unknown>): void;
}

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

function checkboxEntry(attribute: string, label: string) {
  return function Entry(props: { element: Shape; id: string }) {
    const modeling = useService<Modeling>('modeling');
    const bo = target(props.element);
    return jsx(CheckboxEntry, {
      id: props.id,
      element: props.element,
      label,
      getValue: () => bo.get(`egov:${attribute}`) === true,
      setValue: (value: boolean) => modeling.updateModdleProperties(props.element, bo, { [`egov:${attribute}`]: value ? true : undefined }),
    });
  };
}

function entries(element: Shape): Entry[] {
  const bo = target(element);
  const list: Entry[] = [];
  const text = (attribute: string, label: string, hint?: string) =>
    list.push({ id: `egov-${attribute}`, element, component: textEntry(attribute, label, hint), isEdited: isTextFieldEntryEdited });
  const t = texts.egov;
  if (['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent'].some((x) => bo.$instanceOf(x)))
    text('activity', t.activity, t.activityHint);
  if (bo.$instanceOf('bpmn:UserTask')) text('fourEyes', t.fourEyes, t.fourEyesHint);
  if (bo.$instanceOf('bpmn:Process')) {
    text('validFrom', t.validFrom, t.dateHint);
    text('validTo', t.validTo, t.dateHint);
    text('legalBasis', t.legalBasis);
    list.push({ id: 'egov-uniqueBusinessKey', element, component: checkboxEntry('uniqueBusinessKey', t.uniqueBusinessKey), isEdited: isCheckboxEntryEdited });
  }
  return list;
}

class EgovPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element: Shape) {
    return (groups: Group[]) => {
      const list = entries(element);
      if (list.length > 0) groups.push({ id: 'egov', label: texts.egov.group, entries: list });
      return groups;
    };
  }
}

export const egovPropertiesModule = {
  __init__: ['egovPropertiesProvider'],
  egovPropertiesProvider: ['type', EgovPropertiesProvider],
};
