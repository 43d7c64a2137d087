// A token-simulation run as a runnable scenario (spec/scenarios.md): the path the tokens took — every element and sequence
// flow they entered, in order — becomes the steps. A user task (or a receive task without a message) is completed, a message
// or signal catch is its message or signal, a timer is an "advance"; the variables the chosen gateway branches need are read
// from the simple conditions of the flows taken (`${genehmigt}`, `${!eilig}`, `${art == 'neu'}`, `${betrag > 100}`) and set
// with the step before the gateway (or at the start); each gateway choice is written as a comment. External service tasks
// get a "services" entry. At the end the run is expected: state completed when it reached a process end, every element that
// was passed completed, and the branches not taken at exclusive gateways not completed.

/** The part of a bpmn-js business object the recording reads. */
export interface TracedObject {
  $type: string;
  id: string;
  name?: string;
  get?(name: string): unknown;
  $parent?: TracedObject;
  sourceRef?: TracedObject;
  targetRef?: TracedObject;
  attachedToRef?: TracedObject;
  cancelActivity?: boolean;
  conditionExpression?: { body?: string };
  messageRef?: { name?: string; id?: string };
  eventDefinitions?: { $type: string; messageRef?: { name?: string; id?: string }; signalRef?: { name?: string; id?: string }; timeDuration?: { body?: string } }[];
  outgoing?: TracedObject[];
  default?: TracedObject;
}

/** One element a token entered during the simulation. */
export interface Traced {
  id: string;
  type: string;
  bo?: TracedObject;
  /** "enter" (default) or "signal": an event triggered (a start event; a waiting catch event that fires, already entered). */
  action?: string;
}

type Json = string | number | boolean | null;

interface Step {
  line: string;
  variables?: Record<string, Json>;
  comments: string[];
}

export interface RecordedScenario {
  /** The YAML lines of the steps (each indented as under "steps:"). */
  steps: string[];
  /** The YAML lines under "services:" (empty: none needed). */
  services: string[];
  /** The start variables the first gateway choices need. */
  startVariables: Record<string, Json>;
  /** The steps that drive the run (complete, message, signal, advance), without the final expectation. */
  actions: number;
}

const json = (v: unknown) => JSON.stringify(v);

/** The YAML of a scenario recorded from a token-simulation run. */
export function recordScenario(trace: Traced[]): RecordedScenario {
  const steps: Step[] = [];
  const services = new Map<string, Record<string, Json>>();
  const startVariables: Record<string, Json> = {};
  let varsTarget: Record<string, Json> = startVariables;
  const entered = new Set<string>();
  const flowsTaken: TracedObject[] = [];
  const interrupted = new Set<string>();
  let reachedEnd = false;
  /** Comments of gateway choices made before the first step (the start's variables decide them). */
  const stepsPrefix: string[] = [];

  // A triggered element counts once: a catch event entered before (waiting), or triggered before, is not entered again.
  const seen = new Set<string>();
  trace = trace.filter((e) => {
    const first = e.action !== 'signal' || !seen.has(e.id);
    seen.add(e.id);
    return first;
  });
  for (const e of trace) {
    const bo = e.bo;
    if (e.type === 'bpmn:Process' || e.type === 'bpmn:Participant') continue;
    if (e.type === 'bpmn:SequenceFlow') {
      if (bo) flowsTaken.push(bo);
      const source = bo?.sourceRef;
      if (bo && source && /Gateway$/.test(source.$type) && (source.outgoing?.length ?? 0) > 1) {
        const condition = bo.conditionExpression?.body?.trim();
        const choice = `# ${source.id} → ${bo.id}${condition ? ` (${condition})` : source.default?.id === bo.id ? ' (Standardfluss)' : ''}`;
        const last = steps[steps.length - 1];
        if (last) last.comments.push(choice);
        else stepsPrefix.push(choice);
        if (condition) Object.assign(varsTarget, variablesFor(condition));
      }
      continue;
    }
    entered.add(e.id);
    const kind = e.type.replace(/^bpmn:/, '');
    switch (kind) {
      case 'UserTask': {
        const step: Step = { line: `- complete: ${e.id}`, variables: {}, comments: [] };
        steps.push(step);
        varsTarget = step.variables!;
        break;
      }
      case 'ReceiveTask': {
        const message = bo?.messageRef?.name;
        const step: Step = message ? { line: `- message: ${json(message)}`, comments: [] } : { line: `- complete: ${e.id}`, variables: {}, comments: [] };
        steps.push(step);
        if (step.variables) varsTarget = step.variables;
        break;
      }
      case 'ServiceTask':
      case 'SendTask': {
        if (needsService(bo)) {
          const entry: Record<string, Json> = {};
          services.set(e.id, entry);
          varsTarget = entry;
        }
        break;
      }
      case 'IntermediateCatchEvent':
      case 'BoundaryEvent': {
        const step = eventStep(bo, e.id);
        if (kind === 'BoundaryEvent' && bo?.attachedToRef && bo.cancelActivity !== false) {
          // The activity the event interrupts did not complete: its "complete" is not a step of this path.
          const holder = bo.attachedToRef.id;
          interrupted.add(holder);
          const at = steps.map((s) => s.line).lastIndexOf(`- complete: ${holder}`);
          if (at >= 0) {
            const [removed] = steps.splice(at, 1);
            if (removed.comments.length > 0) (steps[at - 1]?.comments ?? stepsPrefix).push(...removed.comments);
          }
        }
        if (step) steps.push(step);
        break;
      }
      case 'EndEvent':
        if (bo?.$parent?.$type === 'bpmn:Process' || !bo) reachedEnd = true;
        break;
      default:
        break;
    }
  }

  // Passed: an element a taken flow leaves, an end event reached, an event that fired.
  const passed: string[] = [];
  const add = (id: string) => { if (!passed.includes(id) && !interrupted.has(id)) passed.push(id); };
  for (const e of trace) {
    if (e.type === 'bpmn:SequenceFlow') { if (e.bo?.sourceRef) add(e.bo.sourceRef.id); continue; }
    if (/EndEvent$|BoundaryEvent$/.test(e.type)) add(e.id);
  }
  const ordered = [...new Set(trace.filter((e) => entered.has(e.id)).map((e) => e.id))].filter((id) => passed.includes(id));
  const notTaken = new Set<string>();
  for (const flow of flowsTaken) {
    const gateway = flow.sourceRef;
    if (!gateway || gateway.$type !== 'bpmn:ExclusiveGateway') continue;
    for (const other of gateway.outgoing ?? [])
      if (other.targetRef && !entered.has(other.targetRef.id) && !flowsTaken.includes(other)) notTaken.add(other.targetRef.id);
  }

  const lines: string[] = stepsPrefix.map((c) => `  ${c}`);
  for (const s of steps) {
    lines.push(`  ${s.line}`);
    if (s.variables && Object.keys(s.variables).length > 0) lines.push(`    variables: ${json(s.variables)}`);
    for (const c of s.comments) lines.push(`  ${c}`);
  }
  const expect = ['  - expect:'];
  if (reachedEnd) expect.push('      state: completed');
  expect.push(`      completed: [${ordered.join(', ')}]`);
  if (notTaken.size > 0) expect.push(`      notCompleted: [${[...notTaken].join(', ')}]`);
  lines.push(expect.join('\n'));
  const serviceLines = [...services].map(([id, vars]) => `  ${id}: { variables: ${json(vars)} }`);
  return { steps: lines, services: serviceLines, startVariables, actions: steps.length };
}

/** A service or send task the engine cannot run by itself in a scenario: an external task, or one without implementation. */
function needsService(bo: TracedObject | undefined): boolean {
  if (!bo?.get) return false;
  if (bo.get('camunda:type') === 'external') return true;
  return !['egov:activity', 'camunda:class', 'camunda:expression', 'camunda:delegateExpression'].some((a) => bo.get!(a));
}

/** The step of a catch event that fired: its message, its signal, or the time a timer needs. */
function eventStep(bo: TracedObject | undefined, id: string): Step | null {
  const definition = bo?.eventDefinitions?.[0];
  if (!definition) return null;
  switch (definition.$type) {
    case 'bpmn:MessageEventDefinition':
      return { line: `- message: ${json(definition.messageRef?.name ?? definition.messageRef?.id ?? id)}`, comments: [] };
    case 'bpmn:SignalEventDefinition':
      return { line: `- signal: ${json(definition.signalRef?.name ?? definition.signalRef?.id ?? id)}`, comments: [] };
    case 'bpmn:TimerEventDefinition': {
      const frist = String(bo?.get?.('egov:frist') ?? '').trim();
      const duration = definition.timeDuration?.body?.trim() ?? '';
      if (/^P/.test(duration)) return { line: `- advance: ${duration}`, comments: [] };
      if (/^P/.test(frist)) return { line: `- advance: ${afterFrist(frist)}`, comments: [`# ${id}: die Frist ${frist} ist abgelaufen (eine Woche Puffer für Wochenenden und Feiertage)`] };
      return { line: '- advance: P1D', comments: [`# ${id}: Zeitpunkt von Hand anpassen`] };
    }
    default:
      return null;
  }
}

/** A Frist plus a week: far enough past its end, whatever weekends and holidays move it (P14D → P21D, P2W → P21D, P3M → P3M7D). */
export function afterFrist(frist: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(frist);
  if (!m) return frist;
  const [, y, mo, w, d] = m;
  const days = Number(w ?? 0) * 7 + Number(d ?? 0) + 7;
  return `P${y ? `${y}Y` : ''}${mo ? `${mo}M` : ''}${days}D`;
}

/**
 * The variables that make a simple condition true: `${a}` → a: true, `${!a}` → a: false, `${a == 'x'}` → a: "x",
 * `${n > 100}` → n: 101, several joined by `&&`. Anything else (a dotted name, a function, `||`) sets nothing.
 */
export function variablesFor(condition: string): Record<string, Json> {
  const body = condition.replace(/^\$\{\s*/, '').replace(/\s*\}$/, '').trim();
  const result: Record<string, Json> = {};
  if (body.includes('||')) return result;
  for (const part of body.split('&&').map((p) => p.trim().replace(/^\((.*)\)$/, '$1').trim())) {
    let m = /^(!?)\s*([A-Za-z_$][\w$]*)$/.exec(part);
    if (m) { result[m[2]] = m[1] !== '!'; continue; }
    m = /^([A-Za-z_$][\w$]*)\s*(===?|!==?|>=|<=|>|<)\s*(.+)$/.exec(part);
    if (!m) continue;
    const value = literal(m[3].trim());
    if (value === undefined) continue;
    const [, name, op] = m;
    if (op === '==' || op === '===') result[name] = value;
    else if (typeof value === 'boolean' && (op === '!=' || op === '!==')) result[name] = !value;
    else if (typeof value === 'number' && op === '>') result[name] = value + 1;
    else if (typeof value === 'number' && op === '<') result[name] = value - 1;
    else if (typeof value === 'number' && (op === '>=' || op === '<=')) result[name] = value;
  }
  return result;
}

function literal(text: string): Json | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const m = /^'([^']*)'$|^"([^"]*)"$/.exec(text);
  return m ? (m[1] ?? m[2]) : undefined;
}
