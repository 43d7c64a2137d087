// Types for the designer's element templates, linting and token simulation packages, which ship none: only what is used.

declare module 'bpmn-js-element-templates' {
  export const ElementTemplatesPropertiesProviderModule: unknown;
}

declare module 'bpmn-js-bpmnlint' {
  const module: unknown;
  export default module;
}

declare module 'bpmnlint/rules/*' {
  const rule: () => unknown;
  export default rule;
}

declare module 'bpmn-js-token-simulation' {
  const module: unknown;
  export default module;
}

declare module '@bpmn-io/properties-panel' {
  export function SelectEntry(props: Record<string, unknown>): unknown;
  export function isSelectEntryEdited(node: unknown): boolean;
}
