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

/** PEP 503's normal form, so `scikit_learn` from pip and `scikit-learn` from a client are one package. */
function packageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `name==1.2`, `name @ file:///…`, `-e git+…#egg=name`: the package and what of it is installed. */
function requirement(line: string): [string, string] {
  const pinned = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==|===)\s*(.+)$/.exec(line);
  if (pinned) return [pinned[1], pinned[2]];
  const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s+@\s+(.+)$/.exec(line);
  if (direct) return [direct[1], direct[2]];
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(line);
  return egg ? [egg[1], line] : [line, 'installed'];
}

/**
 * A run's environment as one key per thing that can differ: each package on its own line
 * (`packages.numpy`, from pip freeze or a client's package map alike), lock files by hash rather than
 * their text, and the rest (OS, interpreter, CPU) as dotted keys.
 */
export function environmentRecord(env: Record<string, unknown>): Record<string, Scalar> {
  const { pipFreeze, packages, lockFiles, ...rest } = env;
  const out = flatten(rest);
  if (Array.isArray(pipFreeze))
    for (const line of pipFreeze as string[]) {
      const [name, version] = requirement(line);
      out[`packages.${packageName(name)}`] = version;
    }
  if (packages && typeof packages === 'object')
    for (const [name, version] of Object.entries(packages))
      out[`packages.${packageName(name)}`] =
        typeof version === 'string' || typeof version === 'number' ? version : JSON.stringify(version);
  if (lockFiles && typeof lockFiles === 'object')
    for (const [name, f] of Object.entries(lockFiles as Record<string, { sha256?: string; bytes?: number }>))
      out[`lockFiles.${name}`] = f.sha256 ? `sha256 ${f.sha256.slice(0, 12)}, ${f.bytes ?? '?'} bytes` : null;
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
      return environmentRecord(JSON.parse(r.environment) as Record<string, unknown>);
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
