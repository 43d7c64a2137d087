#!/usr/bin/env node
// Peer for ./egov bench: runs one workload of the bench's BPMN file on bpmn-engine (pinned in package-lock.json) and
// prints one JSON line with the figures in the bench's result shape.
//
//   node run.js --modules DIR/node_modules --model W1.bpmn --workload W1 --mode sequential|concurrent --n 1000
//               [--inflight 1000] [--warmup 100] [--warmup-seconds 3]
//
// Fair to the peer: the XML is parsed and serialized once (sourceContext), every instance is a new Engine over that
// context (bpmn-engine keeps one execution per Engine). Service tasks get a no-op service that calls back at once (the
// same as the bench's in-process activity); user tasks are signalled as soon as they wait; ${...} conditions are
// evaluated as JavaScript over the process variables (compiled once per expression).
'use strict';

const path = require('node:path');
const { createRequire } = require('node:module');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');

function args() {
  const a = process.argv.slice(2);
  const o = { inflight: 1000, warmup: 0, 'warmup-seconds': 0, mode: 'sequential' };
  for (let i = 0; i < a.length; i += 2) o[a[i].replace(/^--/, '')] = a[i + 1];
  for (const k of ['n', 'inflight', 'warmup', 'warmup-seconds']) o[k] = Number(o[k]);
  return o;
}

const opts = args();
const req = createRequire(path.join(path.resolve(opts.modules), 'bpmn-engine', 'package.json'));
const { Engine } = req('bpmn-engine');
const { default: serializer, TypeResolver } = req('moddle-context-serializer');
const elements = req('bpmn-elements');
const { BpmnModdle } = (() => {
  const m = req('bpmn-moddle');
  return { BpmnModdle: m.default || m.BpmnModdle || m };
})();

// ${path} keeps bpmn-engine's meaning (a property path); ${js expression} is evaluated over the variables.
const compiled = new Map();
function getPath(obj, p) {
  let v = obj;
  for (const part of p.split('.')) {
    if (v == null) return undefined;
    v = v[part];
  }
  return v;
}
const expressions = {
  isExpression: (text) => typeof text === 'string' && /^\$\{.+\}$/.test(text),
  hasExpression: (text) => typeof text === 'string' && /\$\{.+?\}/.test(text),
  resolveExpression(text, context) {
    const m = /^\$\{(.+)\}$/s.exec(text);
    if (!m) return text;
    const body = m[1].trim();
    if (/^[\w.]+$/.test(body)) return getPath(context, body);
    let fn = compiled.get(body);
    if (!fn) {
      fn = new Function('vars', `with (vars) { return (${body}); }`); // eslint-disable-line no-new-func
      compiled.set(body, fn);
    }
    return fn(context.environment.variables);
  },
};

function NoopService() {
  this.execute = (_message, callback) => callback(null);
}

const extensions = {
  egovBench(activity) {
    if (activity.type === 'bpmn:ServiceTask') activity.behaviour.Service = NoopService;
  },
};

async function sourceContextOf(file) {
  const moddle = new BpmnModdle();
  const ctx = await moddle.fromXML(fs.readFileSync(file, 'utf8'));
  return serializer(ctx, TypeResolver(elements));
}

function engineVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.resolve(opts.modules), 'bpmn-engine', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

function peakRssMb() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    /* not Linux */
  }
  return process.memoryUsage().rss / 1048576;
}

async function main() {
  const sourceContext = await sourceContextOf(opts.model);
  const workload = opts.workload;

  async function instance(i) {
    const engine = new Engine({ name: `${workload}-${i}`, sourceContext, extensions, expressions });
    const listener = new EventEmitter();
    listener.on('wait', (api) => api.signal()); // W3: complete the user task as soon as it waits
    const ended = engine.waitFor('end');
    await engine.execute({ listener, variables: { route: i % 2 === 0 ? 'a' : 'b' } });
    await ended;
  }

  async function drive(n, record) {
    const lat = record ? new Float64Array(n) : null;
    const t0 = process.hrtime.bigint();
    if (opts.mode === 'concurrent') {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const i = next++;
          const s = process.hrtime.bigint();
          await instance(i);
          if (lat) lat[i] = Number(process.hrtime.bigint() - s) / 1e6;
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.inflight, n) }, worker));
    } else {
      for (let i = 0; i < n; i++) {
        const s = process.hrtime.bigint();
        await instance(i);
        if (lat) lat[i] = Number(process.hrtime.bigint() - s) / 1e6;
      }
    }
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, lat };
  }

  if (opts.warmup > 0) {
    // repeated until this much time passed: V8 optimises hot functions after they ran a while
    const warming = process.hrtime.bigint();
    do await drive(opts.warmup, false);
    while (Number(process.hrtime.bigint() - warming) / 1e9 < opts['warmup-seconds']);
  }
  const { seconds, lat } = await drive(opts.n, true);
  const sorted = Array.from(lat).sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const result = {
    workload,
    store: 'memory',
    engine: 'bpmn-engine',
    mode: opts.mode,
    instances: opts.n,
    inFlight: opts.mode === 'concurrent' ? opts.inflight : 1,
    instancesPerSecond: opts.n / seconds,
    p50Ms: rank(0.5),
    p99Ms: rank(0.99),
    peakRssMb: peakRssMb(),
    elapsedSeconds: seconds,
    note: `bpmn-engine ${engineVersion()} on node ${process.version}, XML parsed once`,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(`bpmn-engine peer error: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
