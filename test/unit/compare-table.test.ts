import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import { insertRun, setRunStatus } from '../../electron/core/runs/repo.js';
import { SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { TrackingIngestor } from '../../electron/core/metrics/tracking.js';
import { ColumnarBuilder } from '../../electron/core/compare/columnar.js';
import { downsample } from '../../electron/core/metrics/series.js';
import { decodeTable, cellValue, type RunsTable } from '../../renderer/components/runs-table/table.js';
import { sortRows, filterRows, groupRows, noFilters } from '../../renderer/components/runs-table/rows.js';
import { columnDiffers } from '../../renderer/components/runs-table/differing.js';
import { delta, formatDelta } from '../../renderer/components/runs-table/deltas.js';
import { toCsv } from '../../renderer/components/runs-table/csv.js';
import { decodeF64 } from '../../renderer/components/charts/decode.js';
import { smooth } from '../../renderer/components/charts/smoothing.js';
import { tempDir } from '../helpers/cli.js';

// A real project: runs recorded through the pipelines engine's own functions, read back by the
// compare engine through the real contract (engine.invoke, which validates and runs the worker).
const t = tempDir('strata-compare-');
const engine = new Engine();
let table: RunsTable;

function record(
  project: Project,
  id: string,
  startedAt: number,
  lines: object[],
  series: [string, number[]][] = [],
): void {
  insertRun(project, { id, name: `name-${id}`, kind: 'client', status: 'running', startedAt });
  const w = new SeriesWriter(project.db, id);
  new TrackingIngestor(project.db, w).ingest(lines.map((l) => JSON.stringify(l)));
  for (const [key, ys] of series) ys.forEach((y, s) => w.append(key, s, y, startedAt + s * 1000));
  w.flush();
  setRunStatus(project, id, 'done');
}

beforeAll(async () => {
  const project = engine.openProject(t.dir, 'init');
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  record(
    project,
    'a',
    t0,
    [
      { t: 'params', v: { lr: 0.1, opt: 'adam', layers: [64, 32], shuffle: true } },
      { t: 'metric', k: 'acc', v: 0.9 },
      { t: 'tag', k: 'best', v: 'yes' },
    ],
    [['loss', [3, 2, 1]]],
  );
  record(
    project,
    'b',
    t0 + 1000,
    [
      { t: 'params', v: { lr: 0.01, opt: 'sgd' } },
      { t: 'metric', k: 'acc', v: 0.8 },
    ],
    [['loss', [4, 3, 2, 1, 0.5]]],
  );
  record(project, 'c', t0 + 2000, [
    { t: 'params', v: { lr: 'auto', opt: 'sgd' } },
    { t: 'metric', k: 'acc', v: Number.NaN },
  ]);
  table = decodeTable(await engine.invoke('compare.table', {}));
});

afterAll(() => {
  engine.dispose();
  t.cleanup();
});

describe('compare.table: the runs table, columnar', () => {
  it('has one row per run, newest first, with the runs own fields', () => {
    expect(table.count).toBe(3);
    expect(table.ids).toEqual(['c', 'b', 'a']);
    const name = table.byId.get('field:name')!;
    expect([0, 1, 2].map((r) => cellValue(name, r))).toEqual(['name-c', 'name-b', 'name-a']);
    expect(cellValue(table.byId.get('field:status')!, 0)).toBe('done');
    expect(cellValue(table.byId.get('field:started')!, 2)).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(table.byId.get('field:started')!.kind).toBe('time');
  });

  it('types each param column: numbers stay numbers until one run has text', () => {
    const lr = table.byId.get('param:lr')!;
    expect(lr.kind).toBe('text');
    expect([0, 1, 2].map((r) => cellValue(lr, r))).toEqual(['auto', '0.01', '0.1']);
    expect(cellValue(table.byId.get('param:layers')!, 2)).toBe('[64,32]');
    expect(cellValue(table.byId.get('param:shuffle')!, 2)).toBe('true');
    expect(cellValue(table.byId.get('param:shuffle')!, 0)).toBeNull();
  });

  it('holds final metric values, and a run without a value (NaN is never stored) as missing', () => {
    const acc = table.byId.get('metric:acc')!;
    expect(acc.kind).toBe('number');
    expect([0, 1, 2].map((r) => cellValue(acc, r))).toEqual([null, 0.8, 0.9]);
    expect(cellValue(table.byId.get('metric:loss')!, 1)).toBe(0.5);
    expect(cellValue(table.byId.get('tag:best')!, 2)).toBe('yes');
  });

  it('orders columns: fields, then params, metrics, tags by key', () => {
    const groups = table.columns.map((c) => c.group);
    expect(groups).toEqual(
      [...groups].sort(
        (x, y) =>
          ['field', 'param', 'metric', 'tag'].indexOf(x) - ['field', 'param', 'metric', 'tag'].indexOf(y),
      ),
    );
    expect(table.columns.filter((c) => c.group === 'param').map((c) => c.key)).toEqual([
      'layers',
      'lr',
      'opt',
      'shuffle',
    ]);
  });
});

describe('compare.series and compare.diff', () => {
  it('serves each run series downsampled, in the order asked, with relative time in seconds', async () => {
    const s = await engine.invoke('compare.series', {
      runIds: ['b', 'a', 'c'],
      key: 'loss',
      points: 1000,
      x: 'relative',
    });
    expect(s.map((x) => [x.runId, x.total])).toEqual([
      ['b', 5],
      ['a', 3],
      ['c', 0],
    ]);
    expect(Array.from(decodeF64(s[0].x))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(decodeF64(s[0].y))).toEqual([4, 3, 2, 1, 0.5]);
    const steps = await engine.invoke('compare.series', { runIds: ['b'], key: 'loss', points: 2, x: 'step' });
    expect(Array.from(decodeF64(steps[0].y))).toEqual([4, 0.5]);
  });

  it('rejects bad requests with a clear error', async () => {
    await expect(
      engine.invoke('compare.series', { runIds: [], key: 'loss', points: 100, x: 'step' }),
    ).rejects.toThrow(/pick at least one run/);
    await expect(engine.invoke('compare.diff', { runIds: ['a', 'nope'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      // Ids resolve as the CLI's do (an id, a unique prefix, or a name), with the same message.
      message: expect.stringContaining('no run "nope"'),
    });
  });

  it('diffs params, metrics and tags with the differing keys marked', async () => {
    const d = await engine.invoke('compare.diff', { runIds: ['a', 'b'] });
    expect(d.runs.map((r) => r.name)).toEqual(['name-a', 'name-b']);
    expect(d.params.lr).toEqual({ values: [0.1, 0.01], differs: true });
    expect(d.params.layers).toEqual({ values: ['[64,32]', null], differs: true });
    // the same text as the table shows for a boolean param
    expect(d.params.shuffle).toEqual({ values: ['true', null], differs: true });
    const same = await engine.invoke('compare.diff', { runIds: ['b', 'c'] });
    expect(same.params.opt).toEqual({ values: ['sgd', 'sgd'], differs: false });
    expect(d.tags.best.differs).toBe(true);
    expect(d.code).toHaveLength(2);
  });
});

describe('saved views', () => {
  it('saves, replaces by name, lists and deletes views in the project database', async () => {
    const v = await engine.invoke('compare.views.save', {
      name: 'good runs',
      state: { filter: 'acc > 0.8' },
    });
    await engine.invoke('compare.views.save', { name: 'good runs', state: { filter: 'acc > 0.85' } });
    const list = await engine.invoke('compare.views.list', {});
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: v.id, name: 'good runs', state: { filter: 'acc > 0.85' } });
    const row = engine
      .requireProject()
      .db.prepare('SELECT state FROM compare_views WHERE id = ?')
      .get(v.id) as { state: string };
    expect(JSON.parse(row.state)).toEqual({ filter: 'acc > 0.85' });
    await engine.invoke('compare.views.delete', { id: v.id });
    await expect(engine.invoke('compare.views.delete', { id: v.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(engine.invoke('compare.views.save', { name: '  ', state: {} })).rejects.toThrow(
      /a view needs a name/,
    );
  });
});

describe('the table in the renderer: sort, filter, group, differing columns, deltas, CSV', () => {
  function small(): RunsTable {
    const b = new ColumnarBuilder(4);
    [3, Number.NaN, 1, null].forEach((v, r) => b.set('metric', 'acc', r, v));
    ['b', 'a', 'b', 'c'].forEach((v, r) => b.set('param', 'opt', r, v));
    ['x', 'x', 'x', 'x'].forEach((v, r) => b.set('param', 'same', r, v));
    return decodeTable({ count: 4, ids: ['r0', 'r1', 'r2', 'r3'], columns: b.build(), readAt: 0 });
  }

  it('sorts numbers with missing values last in both directions, and text naturally', () => {
    const tb = small();
    const all = filterRows(tb, noFilters);
    const acc = tb.byId.get('metric:acc')!;
    // NaN and missing both go last, in table order
    expect(Array.from(sortRows(all, acc, 'asc'))).toEqual([2, 0, 1, 3]);
    expect(Array.from(sortRows(all, acc, 'desc')).slice(0, 2)).toEqual([0, 2]);
    expect(Array.from(sortRows(all, tb.byId.get('param:opt')!, 'asc'))).toEqual([1, 0, 2, 3]);
  });

  it('groups keep the sort order inside each group', () => {
    const tb = small();
    const items = groupRows(Uint32Array.from([3, 2, 1, 0]), tb.byId.get('param:opt')!);
    expect(items).toEqual([
      { kind: 'group', label: 'opt = c', count: 1 },
      3,
      { kind: 'group', label: 'opt = b', count: 2 },
      2,
      0,
      { kind: 'group', label: 'opt = a', count: 1 },
      1,
    ]);
  });

  it('a column differs among selected runs when a value or its presence differs', () => {
    const tb = small();
    expect(columnDiffers(tb.byId.get('param:same')!, [0, 1, 2])).toBe(false);
    expect(columnDiffers(tb.byId.get('param:opt')!, [0, 2])).toBe(false);
    expect(columnDiffers(tb.byId.get('param:opt')!, [0, 1])).toBe(true);
    expect(columnDiffers(tb.byId.get('metric:acc')!, [0, 3])).toBe(true);
    expect(columnDiffers(tb.byId.get('metric:acc')!, [1, 1])).toBe(false);
  });

  it('deltas are absolute and relative to the baseline, with no percentage of zero', () => {
    expect(delta(0.92, 0.9)!.abs).toBeCloseTo(0.02, 12);
    expect(delta(0.92, 0.9)!.pct).toBeCloseTo(2.2222, 3);
    expect(delta(-1, -2)).toEqual({ abs: 1, pct: 50 });
    expect(delta(5, 0)).toEqual({ abs: 5, pct: null });
    expect(delta(null, 1)).toBeNull();
    expect(delta(Number.NaN, 1)).toBeNull();
    expect(formatDelta({ abs: -0.5, pct: -25 })).toBe('−0.5 (−25%)');
    expect(formatDelta({ abs: 3, pct: null })).toBe('+3');
  });

  it('CSV quotes what needs quoting and writes full precision', () => {
    const b = new ColumnarBuilder(2);
    b.set('param', 'note', 0, 'a, "quoted" one');
    b.set('metric', 'acc', 0, 0.123456789012);
    b.set('metric', 'acc', 1, 1);
    const tb = decodeTable({ count: 2, ids: ['x', 'y'], columns: b.build(), readAt: 0 });
    expect(toCsv(tb.ids, [0, 1], tb.columns)).toBe(
      'id,params.note,metrics.acc\nx,"a, ""quoted"" one",0.123456789012\ny,,1\n',
    );
  });
});

describe('downsampling and smoothing', () => {
  it('keeps each bucket min and max in order, so a spike survives', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) =>
      i === 4321 ? 100 : i === 8000 ? -50 : Math.sin(i / 100),
    );
    const d = downsample(xs, ys, 200);
    expect(d.xs.length).toBeLessThanOrEqual(200);
    expect(Math.max(...d.ys)).toBe(100);
    expect(Math.min(...d.ys)).toBe(-50);
    expect(d.xs[Array.from(d.ys).indexOf(100)]).toBe(4321);
    for (let i = 1; i < d.xs.length; i++) expect(d.xs[i]).toBeGreaterThan(d.xs[i - 1]);
    expect(downsample(xs.subarray(0, 50), ys.subarray(0, 50), 200).xs.length).toBe(50);
  });

  it('smooths with a debiased moving average that starts at the data', () => {
    const s = smooth([10, 10, 10, 20], 0.5);
    expect(s[0]).toBe(10);
    expect(s[2]).toBeCloseTo(10, 12);
    expect(s[3]).toBeGreaterThan(10);
    expect(s[3]).toBeLessThan(20);
    expect(Array.from(smooth([1, 2], 0))).toEqual([1, 2]);
  });

  it('a value that is not valid JSON in run_params is shown as written, never breaking the table', async () => {
    // The worker keeps the last table while the database is unchanged; this write must be seen.
    const first = await engine.invoke('compare.table', {});
    await new Promise((r) => setTimeout(r, 5));
    expect((await engine.invoke('compare.table', {})).readAt).toBe(first.readAt);
    engine
      .requireProject()
      .db.prepare("INSERT INTO run_params (run_id, key, value) VALUES ('a', 'raw', 'not json {')")
      .run();
    const again = decodeTable(await engine.invoke('compare.table', {}));
    expect(cellValue(again.byId.get('param:raw')!, again.rowOf.get('a')!)).toBe('not json {');
  });
});
