import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { readMetricsPath } from '../../electron/core/metrics/files.js';
import { readSeries } from '../../electron/core/metrics/series.js';
import { TrackingIngestor } from '../../electron/core/metrics/tracking.js';
import { insertRun, runDetail } from '../../electron/core/runs/repo.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

/** Writes the files into a project with one running run, then reads the paths as declared metrics paths. */
function ingest(files: Record<string, string>, paths = Object.keys(files)) {
  fx = makeProject('stages: {}\n', files);
  insertRun(fx.project, { id: 'r1', name: 'r1', kind: 'client', status: 'running', startedAt: Date.now() });
  const writer = new SeriesWriter(fx.project.db, 'r1');
  const ing = new TrackingIngestor(fx.project.db, writer);
  for (const rel of paths) readMetricsPath(path.join(fx.dir, rel), ing);
  writer.flush();
  const project = fx.project;
  return {
    stats: ing.stats,
    metrics: runDetail(project, 'r1').metrics,
    series: (key: string) => readSeries(project.db, 'r1', key, 100, 'step'),
  };
}

describe('metrics files', () => {
  it("reads JSON as Python's json writes it: bare NaN and ±Infinity are counted, the word NaN in a string stays text", () => {
    const r = ingest({
      'metrics.json':
        // A byte-order mark too, as some Windows tools write one.
        '\ufeff{"acc": 0.9, "note": "loss was NaN at step 3, then Infinity", "f1": NaN,\n' +
        ' "test": {"hi": Infinity, "lo": -Infinity, "label": "-Infinity", "auc": 0.8}}',
    });
    expect(r.metrics).toEqual({ acc: 0.9, 'test.auc': 0.8 });
    expect(r.stats.nonFinite).toBe(3);
    expect(r.stats.skipped).toBe(0);
  });

  it('reads YAML with .nan and .inf as non-finite numbers', () => {
    const r = ingest({ 'm.yaml': 'val:\n  loss: 0.3\n  bad: .nan\n  big: .inf\nnote: nan\n' });
    expect(r.metrics).toEqual({ 'val.loss': 0.3 });
    expect(r.stats.nonFinite).toBe(2);
  });

  it('reads a CSV plots file with a byte-order mark, quoted names and cells, CRLF and a newline inside quotes', () => {
    const r = ingest({
      'plots.csv':
        '\ufeffstep,"loss, train",acc\r\n' +
        '10,"0.5",0.7\r\n' +
        '20,0.4,"0.8"\r\n' +
        '30,"not\na number",0.9\r\n' +
        '40,0.3,NaN\r\n',
    });
    expect(r.series('loss, train')).toMatchObject({ xs: [10, 20, 40], ys: [0.5, 0.4, 0.3] });
    expect(r.series('acc')).toMatchObject({ xs: [10, 20], ys: [0.7, 0.8] });
    expect(r.metrics).not.toHaveProperty('step');
    // The quoted newline is one row (skipped whole for its text cell), not two broken lines.
    expect(r.stats.skipped).toBe(1);
    expect(r.stats.nonFinite).toBe(1);
  });

  it('reads TSV plots files and DVCLive series, with a byte-order mark and quoted cells', () => {
    const r = ingest(
      {
        'curve.tsv': '\ufeffepoch\tval loss\n1\t0.3\n2\t"0.25"\n3\tinf\n',
        'dvclive/plots/metrics/train/loss.tsv':
          '\ufefftimestamp\tstep\tloss\n1700000000000\t0\t1.5\n1700000000100\t1\t-inf\n1700000000200\t2\t1.1\n',
      },
      ['curve.tsv', 'dvclive'],
    );
    expect(r.series('val loss')).toMatchObject({ xs: [1, 2], ys: [0.3, 0.25] });
    expect(r.series('train/loss')).toMatchObject({ xs: [0, 2], ys: [1.5, 1.1] });
    expect(r.metrics).not.toHaveProperty('epoch');
    expect(r.stats.nonFinite).toBe(2);
    expect(r.stats.skipped).toBe(0);
  });

  it('skips a plots file with an unterminated quote whole instead of reading the rest as one cell', () => {
    const r = ingest({ 'p.csv': 'step,loss\n0,0.5\n1,"0.4\n2,0.3\n' });
    expect(r.series('loss').xs).toEqual([]);
    expect(r.stats.skipped).toBe(1);
  });
});
