// Run tracking, measured side by side with a comparator in the same script (issue 4):
//  1. Ingestion from a child process logging through the Python client's file protocol: ≥ 300,000
//     points/s, and ≥ 50% of raw better-sqlite3 inserts of the same points in the same chunked layout
//     (metric_chunks' own schema, 4,096-point Float64 blobs, one transaction, prepared statement, same
//     WAL settings; the values already in memory). Row-per-point inserts are printed too, labelled.
//  2. A logged point is queryable ≤ 250 ms later (p99), read by a second connection as the UI would.
//     Comparator: the same points seen by a bare tail of the file (the transport's own delay).
//  3. A 1,000,000-point series downsampled to 2,000 points ≤ 20 ms. Comparator: the same blobs read
//     and decoded through a connection with the same settings (openSeriesReader), copied into one
//     array and bucketed in plain JavaScript; and, labelled, the points stored one row each.
//   node --import tsx test/bench/runs-tracking.ts   (STRATA_BENCH_POINTS to scale)
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { insertRun } from '../../electron/core/runs/repo.js';
import { TrackingPump } from '../../electron/core/runs/pump.js';
import { CHUNK_POINTS, floats, SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { readSeries } from '../../electron/core/metrics/series.js';
import { closeSeriesDb, openSeriesReader, seriesDb } from '../../electron/core/metrics/reader.js';
import { figure, median, note, percentile as pct, size } from './report.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const POINTS = size('STRATA_BENCH_POINTS', 2_000_000, 200_000);
const SERIES_POINTS = size('STRATA_BENCH_SERIES_POINTS', 1_000_000, 100_000);
const KEYS = 10;
const python = spawnSync('python3', ['--version']).status === 0;
const clientDir = path.join(root, 'resources', 'clients', 'python');
const nodeClient = path.join(root, 'resources', 'clients', 'node', 'strata-client.mjs');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-runs-'));
fs.writeFileSync(path.join(dir, 'strata.yaml'), 'stages: {}\n');
const project = Project.open(dir);

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
  if (points !== lines * KEYS) throw new Error(`lost points: ${points} of ${lines * KEYS}`);

  // Comparators: the same points, values already in memory, inserted in one transaction through a
  // prepared statement into a fresh database with the engine's settings (WAL, synchronous=NORMAL,
  // foreign keys on) and the engine's own tables for the chunked layout.
  const schema = project.db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'metric_chunks')")
    .pluck()
    .all() as string[];
  const raw = new Database(path.join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  for (const sql of schema) raw.exec(sql);
  raw
    .prepare(
      "INSERT INTO runs (id, name, kind, status, started_at) VALUES ('ingest', 'ingest', 'client', 'running', ?)",
    )
    .run(Date.now());
  raw.exec('CREATE TABLE points (run_id TEXT, key TEXT, step REAL, value REAL, time REAL)');
  const insChunk = raw.prepare(
    'INSERT INTO metric_chunks (run_id, key, seq, n, steps, vals, times) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const blob = (a: Float64Array, n: number) => Buffer.from(a.buffer, 0, n * 8);
  const c0 = performance.now();
  raw.transaction(() => {
    const steps = new Float64Array(CHUNK_POINTS);
    const vals = new Float64Array(CHUNK_POINTS);
    const times = new Float64Array(CHUNK_POINTS);
    for (let k = 0; k < KEYS; k++)
      for (let seq = 0, i = 0; i < lines; seq++) {
        let n = 0;
        for (; n < CHUNK_POINTS && i < lines; n++, i++) {
          steps[n] = i;
          vals[n] = i * 0.5;
          times[n] = Date.now();
        }
        insChunk.run('ingest', `m${k}`, seq, n, blob(steps, n), blob(vals, n), blob(times, n));
      }
  })();
  const chunkRate = (lines * KEYS) / ((performance.now() - c0) / 1000);
  const insRow = raw.prepare('INSERT INTO points VALUES (?, ?, ?, ?, ?)');
  const r0 = performance.now();
  raw.transaction(() => {
    for (let i = 0; i < lines; i++)
      for (let k = 0; k < KEYS; k++) insRow.run('ingest', `m${k}`, i, i * 0.5, Date.now());
  })();
  const rowRate = (lines * KEYS) / ((performance.now() - r0) / 1000);
  raw.close();
  note(
    `ingestion: ${python ? 'Python' : 'Node'} client in a child process, ${points.toLocaleString('en-US')} points; engine busy ${busy.toFixed(0)} ms over ${wall.toFixed(2)} s of wall time (the producer sets the pace)`,
  );
  figure({
    name: 'engine ingestion (tail + JSON parse + chunked insert)',
    value: engineRate,
    unit: 'points/s',
    comparator: { label: 'raw inserts of the same chunked layout', value: chunkRate },
    targets: [
      { on: 'value', op: '>=', limit: 300_000 },
      { on: 'ratio', op: '>=', limit: 0.5 },
    ],
  });
  figure({
    name: 'engine ingestion (tail + JSON parse + chunked insert)',
    value: engineRate,
    unit: 'points/s',
    comparator: { label: 'raw inserts, one row per point (a different layout)', value: rowRate },
  });
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
  note(`latency: a point every 10 ms, ${lines} points; p50 ${pct(lat, 50).toFixed(0)} ms`);
  figure({
    name: 'logged → queryable by a second connection, p99',
    value: pct(lat, 99),
    unit: 'ms',
    comparator: { label: "logged → in the file, p99 (the client's own buffering)", value: pct(fileLat, 99) },
    targets: [{ on: 'value', op: '<=', limit: 250 }],
  });
}

function downsampling(): void {
  const n = SERIES_POINTS;
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
  const BUCKETS = 2000;
  /** min, max and mean of equal-count buckets over one array, as readSeries returns them */
  const bucket = (steps: Float64Array | number[], vals: Float64Array | number[]) => {
    const xs = new Float64Array(BUCKETS);
    const mins = new Float64Array(BUCKETS).fill(Infinity);
    const maxs = new Float64Array(BUCKETS).fill(-Infinity);
    const means = new Float64Array(BUCKETS);
    for (let b = 0; b < BUCKETS; b++) {
      const from = Math.floor((b * vals.length) / BUCKETS);
      const to = Math.floor(((b + 1) * vals.length) / BUCKETS);
      xs[b] = steps[from];
      let sum = 0;
      for (let j = from; j < to; j++) {
        const v = vals[j];
        sum += v;
        if (v < mins[b]) mins[b] = v;
        if (v > maxs[b]) maxs[b] = v;
      }
      means[b] = sum / (to - from);
    }
    return { xs, mins, maxs, means };
  };
  const engine: number[] = [];
  const blobs: number[] = [];
  const naive: number[] = [];
  let check = 0;
  // One method at a time: interleaving them would have each evict the other's cached pages.
  for (let r = 0; r < 30; r++) {
    const t = performance.now();
    const s = readSeries(seriesDb(project), 'big', 'loss', BUCKETS, 'step');
    engine.push(performance.now() - t);
    if (s.xs.length !== BUCKETS || s.total !== n) throw new Error('wrong downsample');
    check = s.maxs[BUCKETS - 1];
  }
  const reader = openSeriesReader(project.dbPath);
  const chunks = reader.prepare(
    "SELECT n, steps, vals FROM metric_chunks WHERE run_id = 'big' AND key = 'loss' ORDER BY seq",
  );
  for (let r = 0; r < 30; r++) {
    const t = performance.now();
    const steps = new Float64Array(n);
    const vals = new Float64Array(n);
    let at = 0;
    for (const row of chunks.iterate() as Iterable<{ n: number; steps: Buffer; vals: Buffer }>) {
      steps.set(floats(row.steps).subarray(0, row.n), at);
      vals.set(floats(row.vals).subarray(0, row.n), at);
      at += row.n;
    }
    const b = bucket(steps, vals);
    blobs.push(performance.now() - t);
    if (b.maxs[BUCKETS - 1] !== check) throw new Error('the comparator disagrees with readSeries');
  }
  reader.close();
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const all = rows
      .prepare("SELECT step, value FROM points WHERE run_id = 'big' AND key = 'loss' ORDER BY step")
      .raw()
      .all() as [number, number][];
    bucket(
      all.map((p) => p[0]),
      all.map((p) => p[1]),
    );
    naive.push(performance.now() - t);
  }
  rows.close();
  note(
    `downsampling ${n.toLocaleString('en-US')} points → ${BUCKETS.toLocaleString('en-US')} (min/max/mean per bucket): engine first fetch ${engine[0].toFixed(1)} ms, p90 ${pct(engine, 90).toFixed(1)} ms`,
  );
  figure({
    name: 'downsampled series read, p50 of 30',
    value: median(engine),
    unit: 'ms',
    comparator: {
      label: 'the same blobs decoded into one array and bucketed, same connection settings',
      value: median(blobs),
    },
    targets: [{ on: 'value', op: '<=', limit: 20 }],
  });
  figure({
    name: 'downsampled series read, p50',
    value: median(engine),
    unit: 'ms',
    comparator: {
      label: 'one row per point, plain SELECT, bucketed in JavaScript (a different layout)',
      value: median(naive),
    },
  });
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
