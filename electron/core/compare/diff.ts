import { keyed as keyedRecord } from '../../../shared/names.js';
import type { DataVersionRef, DiffValue, RunDiff } from '../../../shared/api/compare.js';
import { codeStateOf } from '../runs/repo.js';
import { StrataError } from '../../../shared/errors.js';
import type { Db } from '../db/sqlite.js';

type Scalar = string | number | boolean | null;

/**
 * A param as stored (JSON text) to what the diff shows, the same way the runs table reads it:
 * numbers and strings as they are, true/false and lists as their JSON text, bad JSON as written.
 */
export function paramValue(json: string): Scalar {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return json;
  }
  return v === null || typeof v === 'number' || typeof v === 'string'
    ? v
    : typeof v === 'boolean'
      ? String(v)
      : JSON.stringify(v);
}

/** Nested environment records (os: {name, release}) become dotted keys, so each leaf diffs on its own line. */
export function flatten(
  value: unknown,
  prefix = '',
  out: Record<string, Scalar> = keyedRecord(),
): Record<string, Scalar> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = Array.isArray(value) ? value.join('\n') : (value as Scalar);
  }
  return out;
}

function sameValue(a: Scalar, b: Scalar): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** Keys of every run, each with the runs' values side by side; a key one run lacks differs. */
export function align(records: Record<string, Scalar>[]): Record<string, DiffValue> {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
  const out = keyedRecord<DiffValue>();
  for (const key of keys) {
    const values = records.map((r) => (Object.hasOwn(r, key) ? r[key] : null));
    out[key] = { values, differs: values.some((v) => !sameValue(v, values[0])) };
  }
  return out;
}

interface RunRow {
  id: string;
  name: string;
  status: string;
  started_at: number;
  git_commit: string | null;
  git_diff_hash: string | null;
  git_diff: string | null;
  environment: string | null;
  kind: string;
  code_state: string | null;
}

function keyed(
  db: Db,
  sql: string,
  runId: string,
  map: (v: unknown) => Scalar = (v) => v as Scalar,
): Record<string, Scalar> {
  const out = keyedRecord<Scalar>();
  for (const [k, v] of db.prepare(sql).raw().all(runId) as [string, unknown][]) out[k] = map(v);
  return out;
}

/** Everything that can explain why two runs ended differently: params, environment, data, code. */
export function diffRuns(db: Db, runIds: string[]): RunDiff {
  const get = db.prepare(
    'SELECT id, name, status, kind, started_at, git_commit, git_diff_hash, git_diff, code_state, environment FROM runs WHERE id = ?',
  );
  const rows = runIds.map((id) => {
    const r = get.get(id) as RunRow | undefined;
    if (!r) throw new StrataError('NOT_FOUND', `No run ${id} in this project; it may have been deleted`);
    return r;
  });
  const env = rows.map((r) => {
    if (!r.environment) return {};
    try {
      return flatten(JSON.parse(r.environment));
    } catch {
      return { environment: r.environment };
    }
  });
  const io = db.prepare(
    `SELECT a.name AS artifact, v.number AS version, io.role AS role FROM run_io io
     JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id
     WHERE io.run_id = ? GROUP BY a.name, v.number, io.role ORDER BY io.role, a.name`,
  );
  return {
    runs: rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      startedAt: new Date(r.started_at).toISOString(),
    })),
    params: align(
      runIds.map((id) =>
        keyed(db, 'SELECT key, value FROM run_params WHERE run_id = ?', id, (v) => paramValue(v as string)),
      ),
    ),
    metrics: align(runIds.map((id) => keyed(db, 'SELECT key, value FROM run_metrics WHERE run_id = ?', id))),
    tags: align(runIds.map((id) => keyed(db, 'SELECT key, value FROM run_tags WHERE run_id = ?', id))),
    env: align(env),
    data: runIds.map((id) =>
      (io.all(id) as { artifact: string; version: number; role: 'in' | 'out' }[]).map(
        (d): DataVersionRef => ({ artifact: d.artifact, version: d.version, role: d.role }),
      ),
    ),
    code: rows.map((r) => {
      const state = codeStateOf(r);
      return {
        commit: r.git_commit,
        dirty: state.state === 'recorded' && state.diff !== null,
        unknown: state.state === 'unknown' ? state.reason : null,
        patch: r.git_diff,
        diffHash: r.git_diff_hash,
      };
    }),
  };
}
