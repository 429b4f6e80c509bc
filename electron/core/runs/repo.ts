import crypto from 'node:crypto';
import os from 'node:os';
import { keyed } from '../../../shared/names.js';
import type {
  CodeState,
  LogLine,
  MetricInfo,
  ParamValue,
  RunDetail,
  RunKind,
  RunStatus,
  RunSummary,
  RunVersion,
  StageRun,
  StageStatus,
} from '../../../shared/api/runs.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';

interface RunRow {
  id: string;
  name: string;
  kind: RunKind;
  status: RunStatus;
  started_at: number;
  ended_at: number | null;
  note: string;
}

/** Sortable and short enough to type: the start time in base 36 and some randomness. */
export function newRunId(): string {
  return Date.now().toString(36) + crypto.randomBytes(3).toString('hex');
}

export function insertRun(
  project: Project,
  run: {
    id: string;
    name: string;
    kind: RunKind;
    status: RunStatus;
    startedAt: number;
    endedAt?: number | null;
    pipelineHash?: string | null;
    runnerPid?: number | null;
  },
): void {
  project.db
    .prepare(
      'INSERT INTO runs (id, name, kind, status, started_at, ended_at, pipeline_hash, runner_pid, runner_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      run.id,
      run.name,
      run.kind,
      run.status,
      run.startedAt,
      run.endedAt ?? null,
      run.pipelineHash ?? null,
      run.runnerPid ?? null,
      run.runnerPid ? os.hostname() : null,
    );
}

export function setRunStatus(
  project: Project,
  id: string,
  status: RunStatus,
  error: string | null = null,
): void {
  project.db
    .prepare('UPDATE runs SET status = ?, ended_at = ?, error = COALESCE(?, error) WHERE id = ?')
    .run(status, status === 'running' ? null : Date.now(), error, id);
}

export function updateStage(
  project: Project,
  runId: string,
  stage: string,
  fields: Partial<{
    status: StageStatus;
    reason: string;
    pid: number | null;
    started_at: number;
    ended_at: number;
    exit_code: number | null;
    signal: string | null;
    log_bytes: number;
    log_dropped: number;
    deps: string;
    outs: string;
  }>,
): void {
  const keys = Object.keys(fields);
  if (keys.length === 0) return;
  project.db
    .prepare(
      `UPDATE run_stages SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE run_id = @run_id AND stage = @stage`,
    )
    .run({ ...fields, run_id: runId, stage });
}

/** A run id, or a unique prefix of one, to the full id. */
export function resolveRunId(project: Project, given: string): string {
  const rows = project.db
    .prepare("SELECT id FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 3")
    .pluck()
    .all(given, given.replace(/[\\%_]/g, '\\$&') + '%') as string[];
  if (rows.includes(given)) return given;
  if (rows.length === 1) return rows[0];
  if (rows.length === 0) {
    const byName = project.db
      .prepare('SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC LIMIT 1')
      .pluck()
      .get(given) as string | undefined;
    if (byName) return byName;
    throw new StrataError('NOT_FOUND', `no run "${given}" in this project (see \`strata runs\`)`);
  }
  throw new StrataError(
    'BAD_REQUEST',
    `"${given}" matches several runs (${rows.join(', ')}…); give more of the id`,
  );
}

function stagesOf(project: Project, id: string): StageRun[] {
  const rows = project.db.prepare('SELECT * FROM run_stages WHERE run_id = ? ORDER BY ord').all(id) as Record<
    string,
    unknown
  >[];
  return rows.map((r) => ({
    stage: r.stage as string,
    status: r.status as StageStatus,
    reason: r.reason as string,
    cmd: r.cmd as string,
    startedAt: (r.started_at as number | null) ?? null,
    endedAt: (r.ended_at as number | null) ?? null,
    exitCode: (r.exit_code as number | null) ?? null,
    signal: (r.signal as string | null) ?? null,
    logBytes: r.log_bytes as number,
    logDropped: r.log_dropped as number,
  }));
}

function versionsOf(project: Project, id: string): RunVersion[] {
  const rows = project.db
    .prepare(
      `SELECT io.role, io.stage, io.path, a.name AS artifact, v.number AS version, v.id AS versionId, v.root_hash AS rootHash,
              (io.role = 'out' AND coalesce(s.status, '') = 'skipped') AS kept
       FROM run_io io JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id
       LEFT JOIN run_stages s ON s.run_id = io.run_id AND s.stage = io.stage
       WHERE io.run_id = ? ORDER BY io.role, io.stage, io.path`,
    )
    .all(id) as (Omit<RunVersion, 'kept'> & { kept: number })[];
  return rows.map((r) => ({ ...r, kept: r.kept === 1 }));
}

/** Params are stored as JSON text; a value that is not JSON (written by an older Strata) is a string. */
function paramValue(text: string): ParamValue {
  try {
    return JSON.parse(text) as ParamValue;
  } catch {
    return text;
  }
}

function kv(project: Project, sql: string, id: string): Record<string, string> {
  const out = keyed<string>();
  for (const r of project.db.prepare(sql).all(id) as { key: string; value: string }[]) out[r.key] = r.value;
  return out;
}

function summaryOf(project: Project, row: RunRow): RunSummary {
  const metrics = keyed<number>();
  for (const r of project.db.prepare('SELECT key, value FROM run_metrics WHERE run_id = ?').all(row.id) as {
    key: string;
    value: number;
  }[])
    metrics[r.key] = r.value;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    params: Object.fromEntries(
      Object.entries(
        kv(project, 'SELECT key, value FROM run_params WHERE run_id = ? ORDER BY key', row.id),
      ).map(([k, v]) => [k, paramValue(v)]),
    ),
    metrics,
    tags: kv(project, 'SELECT key, value FROM run_tags WHERE run_id = ? ORDER BY key', row.id),
    note: row.note,
    stages: stagesOf(project, row.id),
    versions: versionsOf(project, row.id),
  };
}

export function runSummary(project: Project, id: string): RunSummary {
  const row = project.db
    .prepare('SELECT id, name, kind, status, started_at, ended_at, note FROM runs WHERE id = ?')
    .get(id) as RunRow | undefined;
  if (!row) throw new StrataError('NOT_FOUND', `no run "${id}" in this project`);
  return summaryOf(project, row);
}

export function runDetail(project: Project, id: string): RunDetail {
  const base = runSummary(project, id);
  const r = project.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown>;
  const metricInfo = project.db
    .prepare('SELECT key, value, step, count, min, max FROM run_metrics WHERE run_id = ? ORDER BY key')
    .all(id) as MetricInfo[];
  return {
    ...base,
    pipelineHash: (r.pipeline_hash as string | null) ?? null,
    git: {
      commit: (r.git_commit as string | null) ?? null,
      diffHash: (r.git_diff_hash as string | null) ?? null,
      diff: (r.git_diff as string | null) ?? null,
    },
    code: codeStateOf(r),
    environment: r.environment ? (JSON.parse(r.environment as string) as Record<string, unknown>) : null,
    error: (r.error as string | null) ?? null,
    skippedLines: r.skipped_lines as number,
    nonFiniteValues: r.nonfinite_values as number,
    metricInfo,
    artifacts: project.db
      .prepare('SELECT path FROM run_artifacts WHERE run_id = ? ORDER BY path')
      .pluck()
      .all(id) as string[],
  };
}

/** Runs recorded before the code state was kept had only a commit and a diff of up to 8 MB. */
export function codeStateOf(r: {
  code_state?: unknown;
  git_commit?: unknown;
  kind?: unknown;
  status?: unknown;
}): CodeState {
  if (r.code_state) return JSON.parse(r.code_state as string) as CodeState;
  const commit = (r.git_commit as string | null) ?? null;
  if (r.kind !== 'pipeline')
    return { state: 'unknown', reason: 'Strata records the code state of pipeline runs only', commit };
  if (r.status === 'running')
    return { state: 'unknown', reason: 'not recorded yet: the run is starting', commit };
  return {
    state: 'unknown',
    reason:
      'recorded by an earlier Strata, which kept only the commit and a diff of up to 8 MB, and no untracked files',
    commit,
  };
}

export function listRuns(
  project: Project,
  filter: { status?: RunStatus; name?: string; tag?: string; limit: number },
): RunSummary[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.status) {
    where.push('status = ?');
    args.push(filter.status);
  }
  if (filter.name) {
    where.push("name LIKE ? ESCAPE '\\'");
    args.push(`%${filter.name.replace(/[\\%_]/g, '\\$&')}%`);
  }
  if (filter.tag) {
    const [k, v] = filter.tag.split('=', 2);
    where.push(
      v === undefined
        ? 'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.key = ?)'
        : 'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.key = ? AND t.value = ?)',
    );
    args.push(k, ...(v === undefined ? [] : [v]));
  }
  const rows = project.db
    .prepare(
      `SELECT id, name, kind, status, started_at, ended_at, note FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, id DESC LIMIT ?`,
    )
    .all(...args, filter.limit) as RunRow[];
  return rows.map((r) => summaryOf(project, r));
}

export function runLogs(
  project: Project,
  id: string,
  opts: { stage?: string; after: number; limit: number },
): { lines: LogLine[]; next: number } {
  runSummary(project, id);
  const lines = project.db
    .prepare(
      `SELECT id, stage, stream, at, text FROM run_logs WHERE run_id = ? AND id > ? ${opts.stage ? 'AND stage = ?' : ''} ORDER BY id LIMIT ?`,
    )
    .all(...[id, opts.after, ...(opts.stage ? [opts.stage] : []), opts.limit]) as LogLine[];
  return { lines, next: lines.length ? lines[lines.length - 1].id : opts.after };
}

export function updateRun(
  project: Project,
  id: string,
  change: { note?: string; setTags?: Record<string, string>; removeTags?: string[] },
): void {
  runSummary(project, id);
  project.db.transaction(() => {
    if (change.note !== undefined)
      project.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(change.note, id);
    for (const [k, v] of Object.entries(change.setTags ?? {}))
      project.db
        .prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)')
        .run(id, k, v);
    for (const k of change.removeTags ?? [])
      project.db.prepare('DELETE FROM run_tags WHERE run_id = ? AND key = ?').run(id, k);
  })();
}
