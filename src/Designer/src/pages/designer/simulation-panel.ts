// The token simulation without a mouse (BITV 2.0): bpmn-js-token-simulation is driven from its canvas (context pads on
// the elements, a palette of icons). This panel drives the same simulation with ordinary buttons and selects, reachable by
// Tab and named: start and stop the simulation, pick the outgoing flow of each exclusive gateway, trigger every element
// where a token can go on now (a start event, a waiting event or task — the context pads' "Ereignis auslösen"), pause,
// and reset. What the tokens did is announced in a polite live region. The panel uses the simulation's own services,
// so a recording (scenario-editor.ts) sees the same run as with the mouse.

import { h, fill, replace } from '../../shared/dom';
import { texts } from './texts';

interface Shape {
  id: string;
  type: string;
  businessObject?: { name?: string; $type?: string };
  outgoing?: Shape[];
  target?: Shape;
}
interface Subscription { event: { type?: string }; scope: unknown; element?: Shape }
interface Simulator {
  findSubscriptions(filter: object): Subscription[];
  trigger(context: { event: unknown; scope: unknown }): unknown;
  getConfig(element: Shape): { activeOutgoing?: Shape };
}
interface Services { get<T>(name: string): T }
interface EventBus { on(event: string, callback: (e: { active?: boolean; action?: string; element?: Shape }) => void): void }

const name = (s: Shape | undefined) => (s?.businessObject?.name?.trim() || s?.id) ?? '';

/** Mounts the panel into <paramref name="container"/> for the modeler's simulation. */
export function mountSimulationPanel(container: HTMLElement, modeler: Services): void {
  const t = texts.simulationPanel;
  const eventBus = modeler.get<EventBus>('eventBus');
  const simulator = modeler.get<Simulator>('simulator');
  const toggle = modeler.get<{ toggleMode(active?: boolean): void }>('toggleMode');
  const reset = modeler.get<{ resetSimulation(): void }>('resetSimulation');
  const pause = modeler.get<{ toggle(): void; isPaused?: boolean }>('pauseSimulation');
  const gatewaySettings = modeler.get<{ setSequenceFlow(gateway: Shape): void }>('exclusiveGatewaySettings');
  const registry = modeler.get<{ filter(fn: (e: Shape) => boolean): Shape[]; get(id: string): Shape | undefined }>('elementRegistry');

  let active = false;
  let paused = false;
  const onOff = h('button', { type: 'button', class: 'button', id: 'simulation-an', 'aria-pressed': 'false', onclick: () => toggle.toggleMode(!active) }, t.start);
  const resetButton = h('button', { type: 'button', class: 'button', id: 'simulation-zuruecksetzen', disabled: true, onclick: () => reset.resetSimulation() }, t.reset);
  const pauseButton = h('button', { type: 'button', class: 'button', id: 'simulation-pause', 'aria-pressed': 'false', disabled: true, onclick: () => pause.toggle() }, t.pause);
  const steps = h('div', { id: 'simulation-schritte' });
  const gateways = h('div', { id: 'simulation-verzweigungen' });
  const log = h('ul', { class: 'simulation-log' });
  const live = h('p', { class: 'visually-hidden simulation-live', 'aria-live': 'polite' });

  replace(container,
    h('h2', { id: 'simulation-tastatur' }, t.heading),
    h('p', {}, t.intro),
    h('div', { class: 'toolbar', role: 'group', 'aria-label': t.controls }, onOff, pauseButton, resetButton),
    gateways, steps,
    h('details', {}, h('summary', {}, t.log), log),
    live);

  let timer: number | undefined;
  const refresh = () => { window.clearTimeout(timer); timer = window.setTimeout(render, 120); };

  function render(): void {
    onOff.textContent = active ? t.stop : t.start;
    onOff.setAttribute('aria-pressed', String(active));
    resetButton.disabled = !active;
    pauseButton.disabled = !active;
    pauseButton.textContent = paused ? t.resume : t.pause;
    pauseButton.setAttribute('aria-pressed', String(paused));
    if (!active) {
      replace(steps, h('p', { class: 'hint' }, t.inactive));
      replace(gateways);
      return;
    }
    // Where a token can go on now: every element with a subscription (the context pad's "Ereignis auslösen"), once.
    const byElement = new Map<string, Subscription[]>();
    for (const s of simulator.findSubscriptions({}))
      if (s.element && registry.get(s.element.id)) byElement.set(s.element.id, [...(byElement.get(s.element.id) ?? []), s]);
    const items = [...byElement.values()].map((subs) => subs.slice().sort((a) => (a.event.type === 'none' ? 1 : -1)));
    replace(steps,
      h('h3', { id: 'simulation-schritte-titel' }, t.steps),
      items.length === 0 ? h('p', {}, t.noSteps)
        : h('ul', { class: 'simulation-steps', 'aria-labelledby': 'simulation-schritte-titel' }, items.map((subs) => {
          const element = subs[0].element!;
          return h('li', {}, h('button', { type: 'button', class: 'button button-small', 'data-element': element.id,
            onclick: () => { simulator.trigger({ event: subs[0].event, scope: subs[0].scope }); refresh(); } },
          fill(t.trigger, { name: name(element) })));
        })));
    // The branch each exclusive gateway sends a token along (as its context pad "Ausgehenden Fluss wählen" does).
    const forks = registry.filter((e) => e.type === 'bpmn:ExclusiveGateway' && (e.outgoing ?? []).filter((o) => o.type === 'bpmn:SequenceFlow').length > 1);
    replace(gateways, forks.length === 0 ? null : h('fieldset', { class: 'simulation-gateways' }, h('legend', {}, t.branches),
      forks.map((g) => {
        const flows = (g.outgoing ?? []).filter((o) => o.type === 'bpmn:SequenceFlow');
        const chosen = simulator.getConfig(g).activeOutgoing;
        const id = `simulation-weg-${g.id}`;
        return h('div', { class: 'field' },
          h('label', { for: id }, fill(t.branch, { name: name(g) })),
          h('select', { id, onchange: (e: Event) => choose(g, (e.target as HTMLSelectElement).value) },
            flows.map((f) => h('option', { value: f.id, selected: f === chosen },
              f.businessObject?.name?.trim() ? fill(t.flowNamed, { flow: f.businessObject.name.trim(), target: name(f.target) }) : fill(t.flowTo, { target: name(f.target) })))));
      })));
  }

  /** Sets the gateway's outgoing flow through the simulation's own setting (it cycles; its colours follow). */
  function choose(gateway: Shape, flowId: string): void {
    const flows = (gateway.outgoing ?? []).filter((o) => o.type === 'bpmn:SequenceFlow');
    for (let n = 0; n < flows.length && simulator.getConfig(gateway).activeOutgoing?.id !== flowId; n++) gatewaySettings.setSequenceFlow(gateway);
    live.textContent = fill(t.branchSet, { name: name(gateway), target: name(registry.get(flowId)?.target) });
  }

  eventBus.on('tokenSimulation.toggleMode', (e) => {
    active = Boolean(e.active);
    paused = false;
    replace(log);
    live.textContent = active ? t.started : t.stopped;
    refresh();
  });
  eventBus.on('tokenSimulation.resetSimulation', () => { paused = false; replace(log); live.textContent = t.resetDone; refresh(); });
  eventBus.on('tokenSimulation.pauseSimulation', () => { paused = true; refresh(); });
  eventBus.on('tokenSimulation.playSimulation', () => { paused = false; refresh(); });
  eventBus.on('tokenSimulation.simulator.trace', (e) => {
    if (e.action !== 'enter' || !e.element || e.element.type === 'bpmn:SequenceFlow' || !registry.get(e.element.id)) return;
    const text = fill(t.entered, { name: name(e.element) });
    log.append(h('li', {}, text));
    live.textContent = text;
    refresh();
  });
  render();
}
