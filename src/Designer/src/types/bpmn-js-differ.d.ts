// Types for bpmn-js-differ (MIT), which ships none: only what the comparison page uses.

declare module 'bpmn-js-differ' {
  export interface ModdleElement {
    $type: string;
    id?: string;
    name?: string;
  }
  export interface Changes {
    _added: Record<string, ModdleElement>;
    _removed: Record<string, ModdleElement>;
    _changed: Record<string, { model: ModdleElement; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
    _layoutChanged: Record<string, ModdleElement>;
  }
  export function diff(a: unknown, b: unknown): Changes;
}
