// Checks while modelling: bpmnlint in the modeler (bpmn-js-bpmnlint) with bpmnlint's recommended rules plus our own plug-in
// "egov". The server's check (`egov validate --executable`) is the reference: its positioned problems — fetched after every
// saved change and on "Prüfen" — are reported by the plug-in's rules server-errors / server-warnings on their elements, so
// the overlays say what a deployment would be refused with. The plug-in's other rules say the same things at once while
// typing, before the server has answered: an unknown egov:activity, a service task without implementation, a Frist that
// is not counted in days, weeks, months or years, a four-eyes reference to no user task.

import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process';
import conditionalFlows from 'bpmnlint/rules/conditional-flows';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event';
import fakeJoin from 'bpmnlint/rules/fake-join';
import globalRule from 'bpmnlint/rules/global';
import labelRequired from 'bpmnlint/rules/label-required';
import linkEvent from 'bpmnlint/rules/link-event';
import noBpmndi from 'bpmnlint/rules/no-bpmndi';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway';
import superfluousLabel from 'bpmnlint/rules/superfluous-label';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination';
import type { ModelProblem } from '../../designer/api';
import { texts } from './texts';

/** bpmnlint's recommended configuration (bpmnlint/config/recommended), rule by rule. */
const recommended: Record<string, [() => unknown, 'error' | 'warn']> = {
  'ad-hoc-sub-process': [adHocSubProcess, 'error'],
  'conditional-flows': [conditionalFlows, 'error'],
  'end-event-required': [endEventRequired, 'error'],
  'event-based-gateway': [eventBasedGateway, 'error'],
  'event-sub-process-typed-start-event': [eventSubProcessTypedStartEvent, 'error'],
  'fake-join': [fakeJoin, 'warn'],
  global: [globalRule, 'warn'],
  'label-required': [labelRequired, 'error'],
  'link-event': [linkEvent, 'error'],
  'no-bpmndi': [noBpmndi, 'error'],
  'no-complex-gateway': [noComplexGateway, 'error'],
  'no-disconnected': [noDisconnected, 'error'],
  'no-duplicate-sequence-flows': [noDuplicateSequenceFlows, 'error'],
  'no-gateway-join-fork': [noGatewayJoinFork, 'error'],
  'no-implicit-split': [noImplicitSplit, 'error'],
  'no-implicit-end': [noImplicitEnd, 'error'],
  'no-implicit-start': [noImplicitStart, 'error'],
  'no-inclusive-gateway': [noInclusiveGateway, 'warn'],
  'no-overlapping-elements': [noOverlappingElements, 'warn'],
  'single-blank-start-event': [singleBlankStartEvent, 'error'],
  'single-event-definition': [singleEventDefinition, 'error'],
  'start-event-required': [startEventRequired, 'error'],
  'sub-process-blank-start-event': [subProcessBlankStartEvent, 'error'],
  'superfluous-gateway': [superfluousGateway, 'warn'],
  'superfluous-label': [superfluousLabel, 'warn'],
  'superfluous-termination': [superfluousTermination, 'warn'],
};

interface ModdleNode {
  $type: string;
  id?: string;
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  rootElements?: ModdleNode[];
  flowElements?: ModdleNode[];
  extensionElements?: { values?: ModdleNode[] };
  eventDefinitions?: ModdleNode[];
}
interface Reporter {
  report(id: string | undefined, message: string): void;
}
type Check = (node: ModdleNode, reporter: Reporter) => void;

/** What the plug-in knows from the server: its last check and the activities it has. */
const known = {
  problems: [] as ModelProblem[],
  activities: null as Set<string> | null,
};

/** The server's latest check of the model (after a saved change, "Prüfen", a refused deployment). */
export function setServerProblems(problems: ModelProblem[]): void {
  known.problems = problems;
}

/** The activities the server has (from its element templates); null while unknown (then not checked here). */
export function setKnownActivities(names: string[]): void {
  known.activities = new Set(names);
}

const rule = (check: Check) => () => ({ check });
const t = texts.lint;

function processOf(node: ModdleNode): ModdleNode | undefined {
  return node.rootElements?.find((r) => r.$instanceOf('bpmn:Process'));
}

/** The server's problems of one severity, each on its element (or on the process when it names none). */
const serverRule = (severity: 'error' | 'warning') =>
  rule((node, reporter) => {
    if (!node.$instanceOf('bpmn:Definitions')) return;
    const fallback = processOf(node)?.id;
    for (const p of known.problems.filter((x) => x.severity === severity))
      reporter.report(p.elementId ?? fallback, `${t.server}: ${p.message}`);
  });

const activityKnown = rule((node, reporter) => {
  const name = node.get?.('egov:activity') as string | undefined;
  if (!name || !known.activities || known.activities.has(name)) return;
  reporter.report(node.id, t.unknownActivity.replace('{name}', name).replace('{known}', [...known.activities].sort().join(', ') || '–'));
});

const implementationRequired = rule((node, reporter) => {
  if (!['bpmn:ServiceTask', 'bpmn:SendTask'].some((x) => node.$type === x)) return;
  const external = node.get('camunda:type') === 'external' && !!node.get('camunda:topic');
  const has = ['egov:activity', 'camunda:class', 'camunda:expression', 'camunda:delegateExpression'].some((a) => !!node.get(a)) || external
    || (node.extensionElements?.values ?? []).some((v) => v.$type === 'camunda:Connector');
  if (!has) reporter.report(node.id, t.noImplementation);
});

const fristPeriod = rule((node, reporter) => {
  const frist = node.get?.('egov:frist') as string | undefined;
  if (frist && !/^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/.test(frist)) reporter.report(node.id, t.fristPeriod.replace('{frist}', frist));
  const art = node.get?.('egov:fristArt') as string | undefined;
  if (art && art !== 'Ereignis' && art !== 'Beginn') reporter.report(node.id, t.fristArt.replace('{art}', art));
});

const fourEyes = rule((node, reporter) => {
  if (!node.$instanceOf('bpmn:Process')) return;
  const userTasks = new Map<string, ModdleNode>();
  const walk = (n: ModdleNode) => {
    for (const e of n.flowElements ?? []) {
      if (e.$instanceOf('bpmn:UserTask') && e.id) userTasks.set(e.id, e);
      walk(e);
    }
  };
  walk(node);
  for (const task of userTasks.values()) {
    const other = task.get('egov:fourEyes') as string | undefined;
    if (other && (other === task.id || !userTasks.has(other))) reporter.report(task.id, t.fourEyes.replace('{id}', other));
  }
});

const egovRules: Record<string, [() => unknown, 'error' | 'warn']> = {
  'server-errors': [serverRule('error'), 'error'],
  'server-warnings': [serverRule('warning'), 'warn'],
  'activity-known': [activityKnown, 'error'],
  'implementation-required': [implementationRequired, 'error'],
  'frist-period': [fristPeriod, 'error'],
  'four-eyes': [fourEyes, 'error'],
};

/** The linter configuration bpmn-js-bpmnlint takes: the rules as a packed config would name them, and their resolver. */
export const linterConfig = {
  config: {
    rules: {
      ...Object.fromEntries(Object.entries(recommended).map(([name, [, level]]) => [name, level])),
      ...Object.fromEntries(Object.entries(egovRules).map(([name, [, level]]) => [`egov/${name}`, level])),
    },
  },
  resolver: {
    resolveRule(pkg: string, name: string) {
      const found = pkg === 'bpmnlint' ? recommended[name] : pkg === 'bpmnlint-plugin-egov' ? egovRules[name] : undefined;
      if (!found) throw new Error(`unknown rule <${pkg}/${name}>`);
      return found[0];
    },
    resolveConfig(pkg: string, name: string) {
      throw new Error(`unknown config <${pkg}/${name}>`);
    },
  },
};
