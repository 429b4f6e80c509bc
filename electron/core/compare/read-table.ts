import type { RunsTableWire } from '../../../shared/api/compare.js';
import type { Db } from '../db/sqlite.js';
import { ColumnarBuilder } from './columnar.js';

/**
 * The whole runs table in one read, columnar: the runs' own fields, then one column per param,
 * metric (final value) and tag key, and `data`, the versions each run read or wrote. Reads the
 * pipelines engine's tables (runs, run_params, run_metrics, run_tags, run_io) without writing.
 */
export function readRunsTable(db: Db): RunsTableWire {
  const runs = db
    .prepare('SELECT id, name, status, kind, started_at, ended_at FROM runs ORDER BY started_at DESC, id')
    .raw()
    .all() as [string, string, string, string, number, number | null][];
  const count = runs.length;
  const rowOf = new Map<string, number>();
  const b = new ColumnarBuilder(count);
  b.declare('field', 'name', 'text');
  b.declare('field', 'status', 'text');
  b.declare('field', 'started', 'time');
  b.declare('field', 'duration', 'number');
  runs.forEach(([id, name, status, kind, started, ended], i) => {
    rowOf.set(id, i);
    b.set('field', 'name', i, name);
    b.set('field', 'status', i, status);
    b.set('field', 'kind', i, kind);
    b.set('field', 'started', i, started);
    if (ended !== null) b.set('field', 'duration', i, (ended - started) / 1000);
  });

  const each = (sql: string, fn: (row: number, key: string, value: unknown) => void) => {
    for (const [runId, key, value] of db.prepare(sql).raw().iterate() as Iterable<
      [string, string, unknown]
    >) {
      const row = rowOf.get(runId);
      if (row !== undefined) fn(row, key, value);
    }
  };
  // One JSON object per run, built by SQLite in C: far fewer JS strings than one row per value.
  // Params are JSON text already; a value that is not valid JSON is kept as text.
  const perRun = (sql: string, fn: (row: number, values: Record<string, unknown>) => void) => {
    for (const [runId, json] of db.prepare(sql).raw().iterate() as Iterable<[string, string]>) {
      const row = rowOf.get(runId);
      if (row !== undefined) fn(row, JSON.parse(json) as Record<string, unknown>);
    }
  };
  perRun(
    'SELECT run_id, json_group_object(key, CASE WHEN json_valid(value) THEN json(value) ELSE value END) FROM run_params GROUP BY run_id',
    (row, values) => {
      for (const [key, value] of Object.entries(values)) b.set('param', key, row, value);
    },
  );
  perRun('SELECT run_id, json_group_object(key, value) FROM run_metrics GROUP BY run_id', (row, values) => {
    for (const [key, value] of Object.entries(values)) b.set('metric', key, row, value);
  });
  each('SELECT run_id, key, value FROM run_tags', (row, key, v) => b.set('tag', key, row, v));

  const data = new Map<number, Set<string>>();
  each(
    `SELECT io.run_id, a.name, v.number FROM run_io io JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id`,
    (row, artifact, number) => {
      let s = data.get(row);
      if (!s) data.set(row, (s = new Set()));
      s.add(`${artifact}@v${number as number}`);
    },
  );
  for (const [row, refs] of data) b.set('field', 'data', row, [...refs].sort().join(', '));

  return { count, ids: runs.map((r) => r[0]), columns: b.build(), readAt: Date.now() };
}
