// Deploy. (1) The sklearn example's model deployed to an http target through the engine, click to
// healthy and smoke-tested, beside starting the same Python helper by hand and waiting for its health
// check (the floor: Python importing scikit-learn and unpickling). (2) The built-in ONNX server, a
// 30-feature logistic regression, batch 1 over HTTP on 127.0.0.1: p99 latency of sequential requests,
// and throughput with 8 connections beside a plain Python http.server predictor doing the same
// arithmetic (numpy dot + sigmoid), the same client driving both from its own process (wrk when it is
// installed), with a do-nothing Node server as the ceiling any Node server could reach here. (3) Bundle export and verify of a
// 1 GiB model beside sha256sum on the same file.
//   node --import tsx test/bench/deploy.ts   (STRATA_BENCH_DEPLOY_MB=1024, STRATA_BENCH_DEPLOY_REQUESTS=5000)
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DeployResult } from '../../shared/api/deploy.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { writeLogisticOnnx } from '../helpers/onnx-model.js';
import { figure, note, percentile, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Engine } = await engineModule<typeof import('../../electron/core/engine.js')>('engine.js');

const MB = size('STRATA_BENCH_DEPLOY_MB', 1024, 64);
const REQUESTS = size('STRATA_BENCH_DEPLOY_REQUESTS', 5000, 1000);
const PY = '/usr/bin/python3';
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-deploy-'));
process.env.STRATA_HOME = path.join(root, 'home');
process.env.STRATA_PYTHON = PY;
const children: ChildProcess[] = [];

async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/v2/health/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function post(port: number, pathName: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathName,
        method: 'POST',
        agent,
        headers: { 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sequential request latencies of each server, taken in turns of 250 requests: a burst of load from
 * elsewhere on a shared machine then falls on every server alike, not on whichever ran at the time.
 */
async function latencies(
  ports: Record<string, number>,
  body: string,
  n: number,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [who, port] of Object.entries(ports)) {
    out[who] = [];
    for (let i = 0; i < 200; i++) await post(port, '/predict', body);
  }
  for (let done = 0; done < n; done += 250)
    for (const [who, port] of Object.entries(ports))
      for (let i = 0; i < Math.min(250, n - done); i++) {
        const t0 = performance.now();
        if ((await post(port, '/predict', body)) !== 200) throw new Error(`${who} answered an error`);
        out[who].push(performance.now() - t0);
      }
  return out;
}

const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
const wrkVersion = WRK.error ? null : (/wrk (\S+)/.exec(WRK.stdout + WRK.stderr)?.[1] ?? 'unknown version');
const loadClient = wrkVersion
  ? `wrk ${wrkVersion} (a C load generator), 1 thread`
  : 'a Node http client in its own process (wrk is not installed: apt-get install wrk, or brew install wrk)';

/** CPU seconds a process has used, from /proc (null where there is none). */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  } catch {
    return null;
  }
}

/**
 * Requests per second over 8 keep-alive connections for `seconds`, driven from outside this process
 * (wrk, else test/helpers/http-load.mjs), and the server's CPU time per request: the client must
 * not be what is measured, and on a shared 2-core machine CPU per request is the steadier figure.
 */
function throughput(
  port: number,
  pid: number,
  body: string,
  seconds: number,
): { rps: number; cpuUs: number | null } {
  const cpu0 = cpuSeconds(pid);
  let ok: number;
  let failed: number;
  let elapsed: number;
  if (wrkVersion) {
    const script = path.join(root, 'post.lua');
    fs.writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${body}]==]\n`,
    );
    const url = `http://127.0.0.1:${port}/predict`;
    const r = spawnSync('wrk', ['-t1', '-c8', `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' });
    const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(r.stdout);
    if (r.status !== 0 || !total) throw new Error(`wrk failed: ${r.stdout}${r.stderr}`);
    elapsed = Number(total[2]) / (total[3] === 'ms' ? 1000 : 1);
    failed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? 0);
    const socket = /Socket errors: (.*)/.exec(r.stdout);
    if (socket) throw new Error(`wrk saw socket errors against port ${port}: ${socket[1]}`);
    ok = Number(total[1]) - failed;
  } else {
    const bodyFile = path.join(root, 'body.json');
    fs.writeFileSync(bodyFile, body);
    const client = path.join(repoRoot, 'test', 'helpers', 'http-load.mjs');
    const r = spawnSync(
      process.execPath,
      [client, String(port), '/predict', bodyFile, String(seconds), '8'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`the load client failed: ${r.stderr}`);
    ({
      ok,
      failed,
      seconds: elapsed,
    } = JSON.parse(r.stdout) as { ok: number; failed: number; seconds: number });
  }
  if (failed) throw new Error(`${failed} requests to port ${port} answered an error`);
  const cpu1 = cpuSeconds(pid);
  return {
    rps: ok / elapsed,
    cpuUs: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1e6) / ok,
  };
}

const pythonPredictor = `
import json, sys, numpy as np
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
w = np.array([float(v) for v in sys.argv[2].split(",")]); b = float(sys.argv[3])
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body in one write: no delayed-ACK stall between them
    def log_message(self, *a): pass
    def do_POST(self):
        rows = np.asarray(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["rows"], dtype=float)
        out = json.dumps({"predictions": (1 / (1 + np.exp(-(rows @ w + b)))).tolist()}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
`;

async function deployJob(
  engine: InstanceType<typeof Engine>,
  target: string,
  model: string,
): Promise<{ r: DeployResult; ms: number }> {
  const t0 = performance.now();
  const { jobId } = await engine.invoke('deploy.start', { target, model });
  const job: JobInfo = await engine.invoke('jobs.wait', { id: jobId });
  const ms = performance.now() - t0;
  if (job.error) throw new Error(job.error.message);
  return { r: job.result as DeployResult, ms };
}

const engine = new Engine({ services: [], rememberRecent: false });
try {
  // (1) The sklearn example, trained by its pipeline, deployed.
  const dir = path.join(root, 'sklearn');
  fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'sklearn'), dir, { recursive: true });
  fs.appendFileSync(
    path.join(dir, 'strata.yaml'),
    `\ntargets:\n  local: { type: http, python: ${PY} }\n  onnx: { type: http }\n`,
  );
  engine.openProject(dir, 'init');
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), 'run'], {
    cwd: dir,
    env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}` },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the example's pipeline failed: ${run.stderr}`);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await deployJob(engine, 'local', 'model@1')).ms);
  const modelDir = (await engine.invoke('deploy.history', { target: 'local', limit: 1 }))[0];
  await engine.invoke('deploy.stop', { target: 'local' });
  const floor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const t0 = performance.now();
    const p = spawn(
      PY,
      ['-m', 'strata.serve', '--model-dir', path.join(dir, 'models'), '--port', String(port)],
      {
        env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'resources', 'clients', 'python') },
        stdio: 'ignore',
      },
    );
    children.push(p);
    await waitHealthy(`http://127.0.0.1:${port}`);
    floor.push(performance.now() - t0);
    p.kill();
  }
  note(`deploy of ${modelDir.model}@${modelDir.version} (python server, smoke test included), 3 times`);
  figure({
    name: 'deploy sklearn example to http, click to healthy (median of 3)',
    value: times.sort((a, b) => a - b)[1] / 1000,
    unit: 's',
    comparator: {
      label: 'python -m strata.serve by hand until healthy (no copy, no smoke test)',
      value: floor.sort((a, b) => a - b)[1] / 1000,
    },
    targets: [{ on: 'value', op: '<=', limit: 2 }],
  });

  // (2) ONNX over HTTP against a plain Python predictor.
  fs.mkdirSync(path.join(dir, 'onnx'));
  const m = writeLogisticOnnx(path.join(dir, 'onnx', 'model.onnx'), 30);
  const added = await engine.invoke('artifacts.add', { path: 'onnx', kind: 'model', name: 'clf' });
  await engine.invoke('jobs.wait', { id: added.jobId });
  const onnx = (await deployJob(engine, 'onnx', 'clf@1')).r.deployment;
  const row = JSON.stringify({ rows: [Array.from({ length: 30 }, (_, i) => i / 30)] });
  const pyPort = 20000 + Math.floor(Math.random() * 20000);
  const py = spawn(PY, ['-c', pythonPredictor, String(pyPort), m.w.join(','), String(m.b)], {
    stdio: 'ignore',
  });
  children.push(py);
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; ; i++) {
    try {
      if ((await post(pyPort, '/predict', row)) === 200) break;
    } catch {
      if (i > 200) throw new Error('the Python predictor did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // The floor of any Node HTTP server here: one that parses nothing and predicts nothing.
  const noopPort = 20000 + Math.floor(Math.random() * 20000);
  const noop = spawn(
    process.execPath,
    [
      '-e',
      `require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{"predictions":[0]}')); }).listen(${noopPort}, '127.0.0.1')`,
    ],
    { stdio: 'ignore' },
  );
  children.push(noop);
  await new Promise((r) => setTimeout(r, 500));
  const lat = await latencies({ ours: onnx.port!, python: pyPort, noop: noopPort }, row, REQUESTS);
  figure({
    name: `ONNX server batch 1 over HTTP, p99 of ${REQUESTS} sequential requests`,
    value: percentile(lat.ours, 99),
    unit: 'ms',
    comparator: {
      label: 'Python http.server + numpy, same arithmetic, same client, in alternating turns',
      value: percentile(lat.python, 99),
    },
    targets: [{ on: 'value', op: '<=', limit: 2 }],
  });
  note(
    `p50 ${percentile(lat.ours, 50).toFixed(3)} ms (Python ${percentile(lat.python, 50).toFixed(3)} ms); ours also writes the JSONL prediction log. ` +
      `A Node HTTP server that does nothing, same client: p50 ${percentile(lat.noop, 50).toFixed(3)} ms, p99 ${percentile(lat.noop, 99).toFixed(3)} ms`,
  );
  // Each server in turn, three rounds, the best round of each: the machine is shared, and another
  // engineer's burst should cost a server one round, not its figure.
  const servers = {
    ours: { port: onnx.port!, pid: onnx.pid! },
    python: { port: pyPort, pid: py.pid! },
    noop: { port: noopPort, pid: noop.pid! },
  };
  const best: Record<string, { rps: number; cpuUs: number | null }> = {};
  for (let round = 0; round < 3; round++)
    for (const [who, s] of Object.entries(servers)) {
      const r = throughput(s.port, s.pid, row, 3);
      if (!best[who] || r.rps > best[who].rps) best[who] = r;
    }
  note(`throughput load client: ${loadClient}, 8 keep-alive connections, 3 s per server, best of 3 rounds`);
  figure({
    name: 'ONNX server throughput, batch 1, 8 connections (prediction log on)',
    value: best.ours.rps,
    unit: 'req/s',
    comparator: { label: 'Python http.server + numpy (threads), same client', value: best.python.rps },
    targets: [{ on: 'ratio', op: '>=', limit: 5 }],
  });
  figure({
    name: 'ceiling: a Node HTTP server that parses nothing, predicts nothing, logs nothing, same client',
    value: best.noop.rps,
    unit: 'req/s',
    comparator: { label: 'Python http.server + numpy (threads), same client', value: best.python.rps },
  });
  note(
    `5× the Python predictor would be ${Math.round(5 * best.python.rps).toLocaleString('en-US')} req/s; a Node server that does nothing at all ` +
      `answers ${Math.round(best.noop.rps).toLocaleString('en-US')} req/s (${(best.noop.rps / best.python.rps).toFixed(2)}×) with the same client on this machine`,
  );
  const us = (x: number | null) => (x === null ? 'unknown' : `${x.toFixed(1)} µs`);
  note(
    `server CPU per request (from /proc): ours ${us(best.ours.cpuUs)}, Python ${us(best.python.cpuUs)}, ` +
      `do-nothing Node server ${us(best.noop.cpuUs)}; the client and the server share ${os.availableParallelism()} cores`,
  );
  await engine.invoke('deploy.stop', { target: 'onnx' });

  // (3) A 1 GiB model exported and verified, beside sha256sum of the same bytes.
  const big = path.join(dir, 'big');
  fs.mkdirSync(big);
  const fd = fs.openSync(path.join(big, 'weights.bin'), 'w');
  const chunk = crypto.randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < MB / 8; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const addBig = await engine.invoke('artifacts.add', { path: 'big', kind: 'model', name: 'big' });
  await engine.invoke('jobs.wait', { id: addBig.jobId });
  const sha = () => {
    const t0 = performance.now();
    execFileSync('sha256sum', [path.join(big, 'weights.bin')]);
    return performance.now() - t0;
  };
  sha(); // the file in the page cache for every contestant
  // Three rounds of all three, the best round of each (as for throughput above). Every export writes
  // a file of its own, kept to the end, so none reuses the page cache another one freed.
  let shaMs = Infinity;
  let exportMs = Infinity;
  let verifyMs = Infinity;
  for (let round = 0; round < 3; round++) {
    shaMs = Math.min(shaMs, sha());
    const bundle = path.join(root, `big-${round}.tar`);
    let t0 = performance.now();
    const ex = await engine.invoke('bundle.export', { model: 'big@1', out: bundle });
    const exJob: JobInfo = await engine.invoke('jobs.wait', { id: ex.jobId });
    if (exJob.error) throw new Error(exJob.error.message);
    exportMs = Math.min(exportMs, performance.now() - t0);
    t0 = performance.now();
    const report = await engine.invoke('bundle.verify', { file: bundle });
    verifyMs = Math.min(verifyMs, performance.now() - t0);
    if (!report.ok) throw new Error(report.problems.join('; '));
  }
  note('bundle export and verify, and sha256sum: 3 rounds of each in turn, the best round of each');
  const mbps = (ms: number) => MB / (ms / 1000);
  figure({
    name: `bundle export of a ${MB} MiB model (read from the store, hashed, written)`,
    value: mbps(exportMs),
    unit: 'MiB/s',
    comparator: { label: 'sha256sum of the same file (reads and hashes only)', value: mbps(shaMs) },
    targets: [{ on: 'ratio', op: '>=', limit: 0.8 }],
  });
  figure({
    name: `bundle verify of the ${MB} MiB bundle (every file hashed, nothing written)`,
    value: mbps(verifyMs),
    unit: 'MiB/s',
    comparator: { label: 'sha256sum of the model file', value: mbps(shaMs) },
    targets: [{ on: 'ratio', op: '>=', limit: 0.8 }],
  });
} finally {
  // What the engine deployed runs detached from it (as from the CLI): stopped here, whatever failed.
  for (const target of ['local', 'onnx'])
    await engine.invoke('deploy.stop', { target }).catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
  agent.destroy();
  await engine.shutdown();
  fs.rmSync(root, { recursive: true, force: true });
}
