import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_POINTS, SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { readMetricsPath } from '../../electron/core/metrics/files.js';
import { readSeries } from '../../electron/core/metrics/series.js';
import { LineTailer } from '../../electron/core/metrics/tail.js';
import { TrackingIngestor } from '../../electron/core/metrics/tracking.js';
import { ingestInbox } from '../../electron/core/runs/inbox.js';
import { insertRun, runDetail } from '../../electron/core/runs/repo.js';
import { repoRoot } from '../helpers/cli.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

function withRun(): { f: Fixture; writer: SeriesWriter; ing: TrackingIngestor } {
  fx = makeProject('stages: {}\n');
  insertRun(fx.project, { id: 'r1', name: 'r1', kind: 'client', status: 'running', startedAt: Date.now() });
  const writer = new SeriesWriter(fx.project.db, 'r1');
  return { f: fx, writer, ing: new TrackingIngestor(fx.project.db, writer) };
}

describe('metric storage', () => {
  it('stores a series written in uneven flushes as full chunks and reads every point back', () => {
    const { f, writer } = withRun();
    let i = 0;
    for (const size of [1, 7, 1000, 3000, 88, 5904]) {
      for (let k = 0; k < size; k++, i++) writer.append('loss', i, Math.sin(i), 1000 + i);
      writer.flush();
    }
    expect(i).toBe(10000);
    const chunks = f.project.db
      .prepare("SELECT n FROM metric_chunks WHERE run_id = 'r1' AND key = 'loss' ORDER BY seq")
      .pluck()
      .all();
    expect(chunks).toEqual([CHUNK_POINTS, CHUNK_POINTS, 10000 - 2 * CHUNK_POINTS]);
    const s = readSeries(f.project.db, 'r1', 'loss', 20000, 'step');
    expect(s.total).toBe(10000);
    expect(s.xs).toEqual(Array.from({ length: 10000 }, (_, k) => k));
    expect(s.ys).toEqual(Array.from({ length: 10000 }, (_, k) => Math.sin(k)));
    const byTime = readSeries(f.project.db, 'r1', 'loss', 5, 'time');
    expect(byTime.xs).toEqual([1000, 3000, 5000, 7000, 9000]);
    // A writer opened later continues the series where it ended.
    const again = new SeriesWriter(f.project.db, 'r1');
    expect(again.nextStep('loss')).toBe(10000);
  });

  it('downsamples a million points to 2,000 buckets with the exact mean, min and max of each', () => {
    const { f, writer } = withRun();
    const n = 1_000_000;
    const values = new Float64Array(n);
    let seed = 1;
    for (let k = 0; k < n; k++) {
      seed = (seed * 16807) % 2147483647;
      values[k] = seed / 2147483647;
    }
    values[123_457] = 50;
    values[876_543] = -50;
    for (let k = 0; k < n; k++) writer.append('acc', k, values[k], k);
    writer.flush();
    const s = readSeries(f.project.db, 'r1', 'acc', 2000, 'step');
    expect(s.total).toBe(n);
    expect(s.xs).toHaveLength(2000);
    for (const b of [0, 246, 1753, 1999]) {
      const slice = Array.from(values.subarray(b * 500, (b + 1) * 500));
      expect(s.xs[b]).toBe(b * 500);
      expect(s.mins[b]).toBe(Math.min(...slice));
      expect(s.maxs[b]).toBe(Math.max(...slice));
      expect(s.ys[b]).toBeCloseTo(slice.reduce((a, c) => a + c, 0) / 500, 12);
    }
    expect(Math.max(...s.maxs)).toBe(50);
    expect(Math.min(...s.mins)).toBe(-50);
  });
});

describe('tracking protocol', () => {
  it('skips and counts garbage lines and NaN/Inf values, and keeps every valid point', () => {
    const { f, writer, ing } = withRun();
    ing.ingest([
      '{"t":"metric","k":"loss","v":0.5,"s":0}',
      'this is not json',
      '{"t":"metric","k":"loss","v":NaN,"s":1}',
      '{"t":"metric","k":"loss","v":Infinity,"s":2}',
      '{"t":"metrics","v":{"loss":-Infinity,"acc":0.75},"s":3}',
      '{"t":"metric","k":"loss","v":"Infinity"}',
      '{"t":"metric","k":"","v":1}',
      '{"t":"metric","k":"loss","v":"abc"}',
      '{"t":"who knows"}',
      '[1,2,3]',
      '{"t":"metric","k":"loss","v":0.25,"s":4}',
      '{"t":"param","k":"lr","v":0.1}',
      '{"t":"tag","k":"team","v":"blue"}',
      '{"t":"metric","k":"loss","v":0.2}',
    ]);
    writer.flush();
    expect(ing.stats).toEqual({ lines: 14, points: 4, skipped: 5, nonFinite: 4 });
    const run = runDetail(f.project, 'r1');
    expect(run.params).toEqual({ lr: 0.1 });
    expect(run.tags).toEqual({ team: 'blue' });
    expect(readSeries(f.project.db, 'r1', 'loss', 100, 'step')).toMatchObject({
      xs: [0, 4, 5],
      ys: [0.5, 0.25, 0.2],
    });
  });

  it('tails only whole lines, and reads a last line without a newline when told the writer is done', () => {
    fx = makeProject('stages: {}\n');
    const file = path.join(fx.dir, 't.jsonl');
    const tail = new LineTailer(file);
    expect(tail.read()).toEqual([]);
    fs.writeFileSync(file, '{"a":1}\n{"b":');
    expect(tail.read()).toEqual(['{"a":1}']);
    fs.appendFileSync(file, '2}\n{"c":3}');
    expect(tail.read()).toEqual(['{"b":2}']);
    expect(tail.rest()).toEqual(['{"c":3}']);
  });

  it('reads metrics and plots files (JSON, YAML, CSV, TSV) and DVCLive output, counting what is bad', () => {
    const { f, writer, ing } = withRun();
    f.write('m.json', '{"test": {"acc": 0.9, "f1": NaN}, "name": "x"}');
    f.write('m.yaml', 'val:\n  loss: 0.3\n');
    f.write('plot.csv', 'step,recall,precision\n0,0.5,0.6\n1,0.55,oops\n2,0.6\n3,inf,0.7\n');
    f.write(
      'live/plots/metrics/train/loss.tsv',
      'timestamp\tstep\tloss\n1700000000000\t0\t1.5\n1700000000100\t1\t1.2\nbroken\n',
    );
    f.write('live/metrics.json', '{"train": {"loss": 1.2}, "epoch": 1}');
    for (const p of ['m.json', 'm.yaml', 'plot.csv', 'live', 'missing.json'])
      readMetricsPath(path.join(f.dir, p), ing);
    writer.flush();
    const run = runDetail(f.project, 'r1');
    expect(run.metrics).toEqual({
      'test.acc': 0.9,
      'val.loss': 0.3,
      recall: 0.5,
      precision: 0.7,
      'train/loss': 1.2,
      'train.loss': 1.2,
      epoch: 1,
    });
    expect(readSeries(f.project.db, 'r1', 'precision', 10, 'step').xs).toEqual([0, 3]);
    expect(ing.stats.nonFinite).toBe(2);
    expect(ing.stats.skipped).toBe(3);
  });
});

describe('inbox: runs logged outside Strata', () => {
  const script = `
const strata = await import(${JSON.stringify(path.join(repoRoot, 'resources/clients/node/strata-client.mjs'))});
strata.startRun('from-terminal');
strata.logParams({ lr: 0.01, layers: [2, 3] });
strata.setTag('where', 'terminal');
for (let i = 0; i < 500; i++) strata.logMetric('loss', 1 / (i + 1), i);
strata.logMetric('loss', NaN);
if (process.argv[2] === 'crash') throw new Error('boom');
`;

  function runScript(f: Fixture, arg: string) {
    f.write('script.mjs', script);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
    return spawnSync(process.execPath, ['script.mjs', arg], { cwd: path.join(f.dir), env, encoding: 'utf8' });
  }

  it('ingests a finished script as a run once, and marks a crashed one failed', async () => {
    fx = makeProject('stages: {}\n');
    expect(runScript(fx, 'ok').status).toBe(0);
    expect(runScript(fx, 'crash').status).toBe(1);
    const inbox = path.join(fx.dir, '.strata', 'inbox');
    expect(fs.readdirSync(inbox)).toHaveLength(2);
    const ids = await ingestInbox(fx.project);
    expect(ids).toHaveLength(2);
    expect(fs.readdirSync(inbox)).toHaveLength(0);
    expect(await ingestInbox(fx.project)).toEqual([]);
    const runs = ids.map((id) => runDetail(fx!.project, id));
    expect(runs.map((r) => r.status).sort()).toEqual(['done', 'failed']);
    for (const r of runs) {
      expect(r).toMatchObject({
        kind: 'inbox',
        name: 'from-terminal',
        params: { lr: 0.01, layers: [2, 3] },
        tags: { where: 'terminal' },
        nonFiniteValues: 1,
      });
      expect(r.metricInfo[0]).toMatchObject({
        key: 'loss',
        count: 500,
        value: 1 / 500,
        min: 1 / 500,
        max: 1,
      });
    }
  });
});
