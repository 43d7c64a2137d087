// Types for the bpmn.io packages that ship none: only what the designer uses.

declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const CamundaPlatformPropertiesProviderModule: unknown;
  export function useService<T = unknown>(name: string): T;
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: unknown;
  export default module;
}

declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}

declare module '@bpmn-io/properties-panel' {
  export function TextFieldEntry(props: Record<string, unknown>): unknown;
  export function CheckboxEntry(props: Record<string, unknown>): unknown;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isCheckboxEntryEdited(node: unknown): boolean;
}

declare module '@bpmn-io/properties-panel/preact/jsx-runtime' {
  export function jsx(type: unknown, props: Record<string, unknown>): unknown;
}

declare module 'egov-moddle.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
