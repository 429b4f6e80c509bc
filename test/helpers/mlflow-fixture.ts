// Writes folders in MLflow's file-store layout (what `mlflow` writes under ./mlruns), from its
// documented format: <exp id>/meta.yaml; <exp id>/<run id>/meta.yaml with params/<key>, tags/<key>
// (the whole file is the value), metrics/<key> (one "timestamp value step" line per point, a key
// with '/' as sub-folders) and artifacts/; deleted experiments under .trash/; the registry under
// models/<name>/ with version-<n>/meta.yaml and aliases/<alias> holding a version number.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface FixturePoint {
  timestamp: number;
  /** a number, or the text Python prints for one (nan, inf, -inf) */
  value: number | string;
  /** left out: the two-field line of MLflow before 1.0 */
  step?: number;
}

export interface FixtureRun {
  id: string;
  experimentId: string;
  name?: string;
  /** MLflow writes 1–5 (RUNNING…KILLED) in older versions, the name in newer ones */
  status: number | string;
  startTime: number;
  endTime: number | null;
  user?: string;
  source?: string;
  gitCommit?: string;
  deleted?: boolean;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: Record<string, FixturePoint[]>;
  artifacts?: Record<string, string | Buffer>;
}

function write(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A YAML scalar as MLflow's yaml.safe_dump writes it: strings quoted when they would read as something else. */
function scalar(v: string | number | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  return /^[A-Za-z_][\w./-]*$/.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v)
    ? v
    : `'${v.replace(/'/g, "''")}'`;
}

function yaml(fields: Record<string, string | number | null | []>): string {
  return Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? '[]' : scalar(v)}`)
    .join('\n')
    .concat('\n');
}

export function writeExperiment(root: string, exp: { id: string; name: string; deleted?: boolean }): string {
  const dir = path.join(root, exp.deleted ? '.trash' : '', exp.id);
  write(
    path.join(dir, 'meta.yaml'),
    yaml({
      artifact_location: pathToFileURL(dir).href,
      creation_time: 1700000000000,
      experiment_id: exp.id,
      last_update_time: 1700000000000,
      lifecycle_stage: exp.deleted ? 'deleted' : 'active',
      name: exp.name,
    }),
  );
  return dir;
}

/** One point per line, as MLflow appends them. */
export function metricText(points: FixturePoint[]): string {
  let out = '';
  for (const p of points) {
    const v = typeof p.value === 'number' ? String(p.value) : p.value;
    out += p.step === undefined ? `${p.timestamp} ${v}\n` : `${p.timestamp} ${v} ${p.step}\n`;
  }
  return out;
}

export function writeRun(root: string, run: FixtureRun): string {
  const dir = path.join(root, run.experimentId, run.id);
  write(
    path.join(dir, 'meta.yaml'),
    yaml({
      artifact_uri: pathToFileURL(path.join(dir, 'artifacts')).href,
      end_time: run.endTime,
      entry_point_name: '',
      experiment_id: run.experimentId,
      lifecycle_stage: run.deleted ? 'deleted' : 'active',
      run_id: run.id,
      run_name: run.name ?? '',
      run_uuid: run.id,
      source_name: run.source ?? '',
      source_type: 4,
      source_version: run.gitCommit ?? '',
      start_time: run.startTime,
      status: run.status,
      tags: [],
      user_id: run.user ?? '',
    }),
  );
  for (const [k, v] of Object.entries(run.params ?? {})) write(path.join(dir, 'params', k), v);
  for (const [k, v] of Object.entries(run.tags ?? {})) write(path.join(dir, 'tags', k), v);
  for (const [k, points] of Object.entries(run.metrics ?? {}))
    write(path.join(dir, 'metrics', k), metricText(points));
  fs.mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  for (const [p, content] of Object.entries(run.artifacts ?? {}))
    write(path.join(dir, 'artifacts', p), content);
  return dir;
}

export function writeModelVersion(
  root: string,
  name: string,
  version: number,
  v: { source: string; runId: string | null; deleted?: boolean },
): void {
  const modelDir = path.join(root, 'models', name);
  if (!fs.existsSync(path.join(modelDir, 'meta.yaml')))
    write(
      path.join(modelDir, 'meta.yaml'),
      yaml({
        creation_timestamp: 1700000000000,
        description: '',
        last_updated_timestamp: 1700000000000,
        name,
      }),
    );
  write(
    path.join(modelDir, `version-${version}`, 'meta.yaml'),
    yaml({
      creation_timestamp: 1700000000000,
      current_stage: v.deleted ? 'Deleted_Internal' : 'None',
      description: '',
      last_updated_timestamp: 1700000000000,
      name,
      run_id: v.runId ?? '',
      run_link: '',
      source: v.source,
      status: 'READY',
      status_message: '',
      user_id: '',
      version,
    }),
  );
}

export function writeAlias(root: string, name: string, alias: string, version: number): void {
  write(path.join(root, 'models', name, 'aliases', alias), String(version));
}
