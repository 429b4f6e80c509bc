// Run tracking, measured side by side with a comparator in the same script (issue 4):
//  1. Ingestion from a child process logging through the Python client's file protocol: ≥ 300,000
//     points/s, and ≥ 50% of raw better-sqlite3 inserts of the same rows (one transaction, prepared
//     statement, same WAL settings) measured here too.
//  2. A logged point is queryable ≤ 250 ms later (p99), read by a second connection as the UI would.
//     Comparator: the same points seen by a bare tail of the file (the transport's own delay).
//  3. A 1,000,000-point series downsampled to 2,000 points ≤ 20 ms. Comparator: the same points
//     stored one row each and downsampled after a plain SELECT.
//   node --import tsx test/bench/runs-tracking.ts   (STRATA_BENCH_POINTS to scale)
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { insertRun } from '../../electron/core/runs/repo.js';
import { TrackingPump } from '../../electron/core/runs/pump.js';
import { SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { readSeries } from '../../electron/core/metrics/series.js';
import { closeSeriesDb, seriesDb } from '../../electron/core/metrics/reader.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const POINTS = Number(process.env.STRATA_BENCH_POINTS ?? 2_000_000);
const KEYS = 10;
const python = spawnSync('python3', ['--version']).status === 0;
const clientDir = path.join(root, 'resources', 'clients', 'python');
const nodeClient = path.join(root, 'resources', 'clients', 'node', 'strata-client.mjs');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-runs-'));
fs.writeFileSync(path.join(dir, 'strata.yaml'), 'stages: {}\n');
const project = Project.open(dir);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** A child process logging `lines` lines of KEYS metrics each through a client, as fast as it can, optionally pausing between lines. */
function producer(file: string, lines: number, pauseMs: number) {
  const env = { ...process.env, STRATA_TRACKING_FILE: file, STRATA_RUN_ID: 'bench', PYTHONPATH: clientDir };
  if (python) {
    const code = `
import time, strata_client as s
r = s.start_run()
keys = ["m%d" % k for k in range(${KEYS})]
for i in range(${lines}):
    r.log_metrics({k: i * 0.5 for k in keys}, step=i)
    ${pauseMs ? `time.sleep(${pauseMs / 1000})` : 'pass'}
s.end_run()
`;
    return spawn('python3', ['-c', code], { env, stdio: 'inherit' });
  }
  const code = `
const s = await import(${JSON.stringify(nodeClient)});
const keys = Array.from({ length: ${KEYS} }, (_, k) => 'm' + k);
for (let i = 0; i < ${lines}; i++) {
  s.logMetrics(Object.fromEntries(keys.map((k) => [k, i * 0.5])), i);
  ${pauseMs ? `await new Promise((r) => setTimeout(r, ${pauseMs}));` : ''}
}
s.endRun();`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { env, stdio: 'inherit' });
}

async function ingestion(): Promise<void> {
  const lines = Math.ceil(POINTS / KEYS);
  const file = path.join(dir, 'ingest.jsonl');
  insertRun(project, {
    id: 'ingest',
    name: 'ingest',
    kind: 'client',
    status: 'running',
    startedAt: Date.now(),
  });
  const pump = new TrackingPump(project.db, 'ingest', file, () => undefined, 10);
  // Sustained: the engine tails while the child writes.
  const t0 = performance.now();
  let busy = 0;
  const child = producer(file, lines, 0);
  const exited = new Promise((r) => child.on('exit', r));
  let doneChild = false;
  void exited.then(() => (doneChild = true));
  while (!doneChild || pump.ingestor.stats.points < POINTS) {
    const s = performance.now();
    const got = pump.pumpOnce(4 << 20);
    if (got) busy += performance.now() - s;
    else if (doneChild) {
      pump.drain();
      break;
    } else await new Promise((r) => setTimeout(r, 5));
  }
  const wall = (performance.now() - t0) / 1000;
  const points = pump.ingestor.stats.points;
  const engineRate = points / (busy / 1000);
  // Raw comparator: the same rows, one INSERT each, in one transaction.
  const raw = new Database(path.join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE points (run_id TEXT, key TEXT, step REAL, value REAL, time REAL)');
  const ins = raw.prepare('INSERT INTO points VALUES (?, ?, ?, ?, ?)');
  const r0 = performance.now();
  raw.transaction(() => {
    for (let i = 0; i < lines; i++)
      for (let k = 0; k < KEYS; k++) ins.run('ingest', `m${k}`, i, i * 0.5, Date.now());
  })();
  const rawRate = (lines * KEYS) / ((performance.now() - r0) / 1000);
  raw.close();
  console.log(
    `ingestion (${python ? 'Python' : 'Node'} client in a child process, ${points.toLocaleString()} points):`,
  );
  console.log(
    `  engine busy ${busy.toFixed(0)} ms over ${wall.toFixed(2)} s of wall time (the producer sets the pace)`,
  );
  console.log(
    `  engine ingestion:  ${Math.round(engineRate).toLocaleString()} points/s   target ≥ 300,000   ${verdict(engineRate >= 300_000)}`,
  );
  console.log(`  raw sqlite insert: ${Math.round(rawRate).toLocaleString()} rows/s`);
  console.log(
    `  ratio engine/raw:  ${(engineRate / rawRate).toFixed(2)}   target ≥ 0.50   ${verdict(engineRate / rawRate >= 0.5)}`,
  );
  if (points !== lines * KEYS) throw new Error(`lost points: ${points} of ${lines * KEYS}`);
}

async function latency(): Promise<void> {
  const lines = 300;
  const file = path.join(dir, 'latency.jsonl');
  insertRun(project, {
    id: 'latency',
    name: 'latency',
    kind: 'client',
    status: 'running',
    startedAt: Date.now(),
  });
  const pump = new TrackingPump(project.db, 'latency', file, () => undefined);
  pump.start();
  const reader = new Database(project.dbPath, { readonly: true });
  const count = reader
    .prepare("SELECT count FROM run_metrics WHERE run_id = 'latency' AND key = 'm0'")
    .pluck();
  const times = reader.prepare(
    "SELECT times FROM metric_chunks WHERE run_id = 'latency' AND key = 'm0' ORDER BY seq",
  );
  const seen: number[] = [];
  const fileSeen: number[] = [];
  let fileLines = 0;
  const child = producer(file, lines, 10);
  let finished = false;
  child.on('exit', () => (finished = true));
  while (!finished || seen.length < lines) {
    const now = Date.now();
    const n = (count.get() as number | undefined) ?? 0;
    while (seen.length < n) seen.push(now);
    try {
      const l = fs.readFileSync(file, 'utf8').split('\n').length - 1;
      while (fileLines < l) {
        fileSeen.push(now);
        fileLines++;
      }
    } catch {
      // not created yet
    }
    if (finished && seen.length >= lines) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  pump.stop();
  // When each point was logged: its own timestamp, written by the client.
  const logged: number[] = [];
  for (const row of times.all() as { times: Buffer }[])
    logged.push(
      ...new Float64Array(
        row.times.buffer.slice(row.times.byteOffset, row.times.byteOffset + row.times.byteLength),
      ),
    );
  reader.close();
  const lat = logged.map((t, i) => seen[i] - t);
  const fileLat = logged.map((t, i) => fileSeen[i] - t);
  const p99 = pct(lat, 99);
  console.log(`latency (a point every 10 ms, ${lines} points):`);
  console.log(
    `  logged → queryable p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms   target ≤ 250   ${verdict(p99 <= 250)}`,
  );
  console.log(
    `  logged → in the file (comparator, the client's buffering) p50 ${pct(fileLat, 50).toFixed(0)} ms, p99 ${pct(fileLat, 99).toFixed(0)} ms`,
  );
  console.log(`  ratio p99 engine/file: ${(p99 / Math.max(1, pct(fileLat, 99))).toFixed(2)}`);
}

function downsampling(): void {
  const n = 1_000_000;
  insertRun(project, { id: 'big', name: 'big', kind: 'client', status: 'done', startedAt: Date.now() });
  const w = new SeriesWriter(project.db, 'big');
  const rows = new Database(path.join(dir, 'rows.db'));
  rows.pragma('journal_mode = WAL');
  rows.exec(
    'CREATE TABLE points (run_id TEXT, key TEXT, step REAL, value REAL, time REAL); CREATE INDEX p ON points(run_id, key, step)',
  );
  const ins = rows.prepare("INSERT INTO points VALUES ('big', 'loss', ?, ?, ?)");
  rows.transaction(() => {
    for (let i = 0; i < n; i++) {
      const v = Math.sin(i / 1000) + Math.random() * 0.1;
      w.append('loss', i, v, i);
      ins.run(i, v, i);
    }
  })();
  w.flush();
  const engine: number[] = [];
  const naive: number[] = [];
  // Engine first, comparator after: interleaving them would have each evict the other's cached pages.
  for (let r = 0; r < 30; r++) {
    const t = performance.now();
    const s = readSeries(seriesDb(project), 'big', 'loss', 2000, 'step');
    engine.push(performance.now() - t);
    if (s.xs.length !== 2000 || s.total !== n) throw new Error('wrong downsample');
  }
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const all = rows
      .prepare("SELECT step, value FROM points WHERE run_id = 'big' AND key = 'loss' ORDER BY step")
      .raw()
      .all() as [number, number][];
    const per = all.length / 2000;
    const mins = new Array(2000).fill(Infinity);
    const maxs = new Array(2000).fill(-Infinity);
    all.forEach(([, v], i) => {
      const b = Math.min(1999, Math.floor(i / per));
      if (v < mins[b]) mins[b] = v;
      if (v > maxs[b]) maxs[b] = v;
    });
    naive.push(performance.now() - t);
  }
  rows.close();
  const p50 = pct(engine, 50);
  console.log('downsampling 1,000,000 points → 2,000 (min/max/mean per bucket), 30 fetches:');
  console.log(
    `  engine first ${engine[0].toFixed(1)} ms, p50 ${p50.toFixed(1)} ms, p90 ${pct(engine, 90).toFixed(1)} ms   target ≤ 20 (p50)   ${verdict(p50 <= 20)}`,
  );
  console.log(`  rows + JS downsample (comparator) p50 ${pct(naive, 50).toFixed(1)} ms`);
  console.log(`  ratio engine/comparator: ${(p50 / pct(naive, 50)).toFixed(3)}`);
}

try {
  await ingestion();
  await latency();
  downsampling();
} finally {
  closeSeriesDb(project);
  project.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
