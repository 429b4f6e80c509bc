// Creates a project with N runs × P params × M metrics (and optionally long series) through the
// engine's own run-recording functions: insertRun, the tracking protocol's ingestor, SeriesWriter.
//   node --import tsx test/bench/generate-runs.ts <dir> [--runs 10000] [--params 20] [--metrics 10]
//        [--steps 0] [--series-runs all] [--seed 1]
// Prints one JSON line: { dir, runs, params, metrics, steps, seconds }.
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { insertRun, setRunStatus } from '../../electron/core/runs/repo.js';
import { SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { TrackingIngestor } from '../../electron/core/metrics/tracking.js';

export interface GenerateOptions {
  runs: number;
  params: number;
  metrics: number;
  /** points of a long series `m0_curve` per run (0 = none); every run also logs each metric once */
  steps: number;
  /** how many runs (the first ones) get the long series */
  seriesRuns: number;
  seed: number;
}

/** mulberry32: a reproducible stream, so a benchmark and a test see the same project every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const OPTIMIZERS = ['adam', 'sgd', 'adamw', 'rmsprop'];
export const START = Date.parse('2026-10-01T08:00:00Z');
export const runIdOf = (i: number): string => `gen${String(i).padStart(6, '0')}`;

/** params: p0 = lr (log-uniform), p1 = optimizer (text), p2 = depth (int), then floats p3…; metrics: acc, loss, then m2…. */
export function paramName(j: number): string {
  return j === 0 ? 'lr' : j === 1 ? 'optimizer' : j === 2 ? 'depth' : `p${j}`;
}
export function metricName(j: number): string {
  return j === 0 ? 'acc' : j === 1 ? 'loss' : `m${j}`;
}

export function generateRuns(project: Project, o: GenerateOptions): void {
  const rand = rng(o.seed);
  const db = project.db;
  const BATCH = 250;
  for (let start = 0; start < o.runs; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(o.runs, start + BATCH); i++) {
        const id = runIdOf(i);
        const startedAt = START + i * 60_000;
        insertRun(project, { id, name: `run-${i}`, kind: 'client', status: 'running', startedAt });
        const writer = new SeriesWriter(db, id);
        const ing = new TrackingIngestor(db, writer);
        const params: Record<string, unknown> = {};
        for (let j = 0; j < o.params; j++) {
          params[paramName(j)] =
            j === 0
              ? Number((10 ** (-4 + 3 * rand())).toPrecision(3))
              : j === 1
                ? OPTIMIZERS[Math.floor(rand() * OPTIMIZERS.length)]
                : j === 2
                  ? 2 + Math.floor(rand() * 8)
                  : Number(rand().toFixed(4));
        }
        const metrics: Record<string, number> = {};
        for (let j = 0; j < o.metrics; j++)
          metrics[metricName(j)] = j === 0 ? 0.5 + 0.5 * rand() : j === 1 ? 2 * rand() : rand() * 100;
        const ts = (startedAt + 30_000) / 1000;
        const lines = [
          JSON.stringify({ t: 'params', v: params }),
          JSON.stringify({ t: 'metrics', v: metrics, s: 0, ts }),
        ];
        if (i % 7 === 0) lines.push(JSON.stringify({ t: 'tag', k: 'best', v: 'yes' }));
        if (i % 3 === 0) lines.push(JSON.stringify({ t: 'tag', k: 'team', v: i % 2 ? 'vision' : 'nlp' }));
        ing.ingest(lines);
        if (o.steps > 0 && i < o.seriesRuns) {
          const rate = 0.5 + rand();
          for (let s = 0; s < o.steps; s++)
            writer.append(
              'm0_curve',
              s,
              Math.exp((-rate * s) / o.steps) + 0.02 * (rand() - 0.5),
              startedAt + s * 10,
            );
        }
        writer.flush();
        setRunStatus(project, id, i % 11 === 5 ? 'failed' : 'done');
        db.prepare('UPDATE runs SET ended_at = ? WHERE id = ?').run(
          startedAt + 20_000 + Math.floor(rand() * 600_000),
          id,
        );
      }
    })();
  }
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} takes a whole number, not ${args[i + 1]}`);
  return v;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const dir = args[0];
  if (!dir || dir.startsWith('--')) {
    console.error(
      'usage: generate-runs.ts <dir> [--runs N] [--params P] [--metrics M] [--steps S] [--series-runs K] [--seed X]',
    );
    process.exit(2);
  }
  const runs = arg(args, 'runs', 10000);
  const o: GenerateOptions = {
    runs,
    params: arg(args, 'params', 20),
    metrics: arg(args, 'metrics', 10),
    steps: arg(args, 'steps', 0),
    seriesRuns: arg(args, 'series-runs', runs),
    seed: arg(args, 'seed', 1),
  };
  const t0 = performance.now();
  const project = Project.init(dir);
  try {
    generateRuns(project, o);
  } finally {
    project.close();
  }
  console.log(
    JSON.stringify({
      dir: path.resolve(dir),
      ...o,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    }),
  );
}
