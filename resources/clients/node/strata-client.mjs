// Strata tracking client for Node: zero dependencies, one file, the same protocol as the Python one.
//
// Inside a Strata pipeline step (STRATA_TRACKING_FILE is set) everything logged belongs to the step's
// run; from a terminal it goes to the project's .strata/inbox/, ingested on the next open.
//
//   npm install "$(strata client path node)"   then   import * as strata from 'strata-client';
//   (inside a pipeline step: await import(process.env.STRATA_NODE_CLIENT))
//   strata.logParams({ lr: 0.1 });
//   strata.logMetric('loss', 0.42, 3);
//
// Lines are buffered and written every 50 ms and at exit, never one write per call.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FLUSH_MS = 50;

function findProject(start) {
  for (let d = path.resolve(start); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'strata.yaml')) || fs.existsSync(path.join(d, '.strata'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

const projectRoot = () => process.env.STRATA_PROJECT || findProject(process.cwd());

export class Run {
  constructor(file, id, name, insidePipeline) {
    this.id = id;
    this.name = name;
    this.file = file;
    this.insidePipeline = insidePipeline;
    this.buf = [];
    this.steps = new Map();
    this.closed = false;
    this.fd = fs.openSync(file, 'a');
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  write(record) {
    if (this.closed) throw new Error('this Strata run has ended');
    this.buf.push(JSON.stringify(record));
  }

  flush() {
    if (this.buf.length === 0 || this.closed) return;
    const text = this.buf.join('\n') + '\n';
    this.buf = [];
    fs.writeSync(this.fd, text);
  }

  step(key, step) {
    const s = step ?? (this.steps.has(key) ? this.steps.get(key) + 1 : 0);
    this.steps.set(key, s);
    return s;
  }

  logParam(key, value) {
    this.write({ t: 'param', k: String(key), v: value });
  }

  logParams(params) {
    this.write({ t: 'params', v: params });
  }

  /** NaN and ±Infinity are sent as words; Strata counts them and does not store them. */
  logMetric(key, value, step, timestamp) {
    const v = Number(value);
    this.write({
      t: 'metric',
      k: String(key),
      v: Number.isFinite(v) ? v : String(v),
      s: this.step(key, step),
      ts: (timestamp ?? Date.now()) / 1000,
    });
  }

  logMetrics(metrics, step, timestamp) {
    const keys = Object.keys(metrics);
    const s = step ?? Math.max(0, ...keys.map((k) => (this.steps.has(k) ? this.steps.get(k) + 1 : 0)));
    for (const k of keys) this.steps.set(k, s);
    const v = {};
    for (const k of keys) {
      const n = Number(metrics[k]);
      v[k] = Number.isFinite(n) ? n : String(n);
    }
    this.write({ t: 'metrics', v, s, ts: (timestamp ?? Date.now()) / 1000 });
  }

  setTag(key, value = '') {
    this.write({ t: 'tag', k: String(key), v: String(value) });
  }

  logArtifact(p) {
    this.write({ t: 'artifact', p: path.relative(projectRoot() ?? process.cwd(), path.resolve(p)) });
  }

  end(status = 'done') {
    if (this.closed) return;
    if (!this.insidePipeline) this.write({ t: 'end', status, ts: Date.now() / 1000 });
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    fs.closeSync(this.fd);
  }
}

let active = null;

/** Starts (or, inside a pipeline step, joins) a run. */
export function startRun(name) {
  if (active) return active;
  const tracking = process.env.STRATA_TRACKING_FILE;
  if (tracking) {
    active = new Run(tracking, process.env.STRATA_RUN_ID ?? '', name, true);
    if (name) active.setTag('client.run_name', name);
    return active;
  }
  let root = projectRoot();
  if (!root) {
    root = process.cwd();
    process.stderr.write(
      `strata-client: no Strata project here or above; logging into ${root}/.strata/inbox (run \`strata init\` there to see it)\n`,
    );
  }
  const inbox = path.join(root, '.strata', 'inbox');
  fs.mkdirSync(inbox, { recursive: true });
  const id = crypto.randomBytes(8).toString('hex');
  active = new Run(path.join(inbox, `${id}.jsonl`), id, name, false);
  active.write({
    t: 'start',
    id,
    name: name ?? path.basename(process.argv[1] ?? 'node'),
    ts: Date.now() / 1000,
    pid: process.pid,
    host: os.hostname(),
  });
  return active;
}

export const activeRun = () => active;

export function endRun(status = 'done') {
  active?.end(status);
  active = null;
}

const run = () => active ?? startRun();
export const logParam = (k, v) => run().logParam(k, v);
export const logParams = (p) => run().logParams(p);
export const logMetric = (k, v, step, ts) => run().logMetric(k, v, step, ts);
export const logMetrics = (m, step, ts) => run().logMetrics(m, step, ts);
export const setTag = (k, v) => run().setTag(k, v);
export const logArtifact = (p) => run().logArtifact(p);

// A script that never called endRun still ends its run; a non-zero exit marks it failed.
process.on('exit', (code) => endRun(code === 0 ? 'done' : 'failed'));
