import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ImportProblem } from '../../../shared/api/imports.js';

/**
 * Reads MLflow's file store (the layout `mlflow` writes under ./mlruns): facts from MLflow's
 * documentation and its FileStore's folder names. Nothing here writes; every file that is not as
 * MLflow writes it becomes an ImportProblem naming its path, and reading goes on with the rest.
 */

/** Folders of the store root that are not experiments: deleted experiments and the model registry. */
const ROOT_NOT_EXPERIMENTS = new Set(['.trash', 'models']);
/** Folders of an experiment that are not runs: its tags, and MLflow 3's logged models, traces and datasets. */
const EXPERIMENT_NOT_RUNS = new Set(['tags', 'models', 'traces', 'datasets']);

/** RunStatus of MLflow's protobuf, written as a number by older versions and a name by newer ones. */
const STATUS_NAMES: Record<number, string> = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
};

export interface MlflowExperiment {
  id: string;
  name: string;
  dir: string;
}

export interface MlflowRun {
  id: string;
  dir: string;
  experiment: MlflowExperiment;
  name: string | null;
  /** FINISHED, FAILED, KILLED, RUNNING or SCHEDULED */
  status: string;
  startTime: number | null;
  endTime: number | null;
  user: string | null;
  source: string | null;
  gitCommit: string | null;
  deleted: boolean;
  artifactDir: string | null;
}

export interface MetricSeries {
  key: string;
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
  n: number;
}

export class ProblemList {
  readonly items: ImportProblem[] = [];
  add(where: string, message: string): void {
    this.items.push({ path: where, message });
  }
}

function readYaml(file: string, problems: ProblemList): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    problems.add(file, `cannot be read: ${(err as Error).message}`);
    return null;
  }
  try {
    const doc = parseYaml(text) as unknown;
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
    problems.add(file, 'is not a YAML mapping');
  } catch (err) {
    problems.add(file, `is not valid YAML: ${(err as Error).message.split('\n')[0].replace(/:$/, '')}`);
  }
  return null;
}

function subdirs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return String(v);
  return null;
}

function millis(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A local folder named by an artifact URI (file:// or a plain path); null for remote stores. */
export function localUri(uri: string | null): string | null {
  if (!uri) return null;
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice(5)}`);
    } catch {
      return null;
    }
  }
  return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? null : uri;
}

export function listExperiments(root: string, problems: ProblemList): MlflowExperiment[] {
  const out: MlflowExperiment[] = [];
  for (const name of subdirs(root)) {
    if (ROOT_NOT_EXPERIMENTS.has(name)) continue;
    const dir = path.join(root, name);
    const metaFile = path.join(dir, 'meta.yaml');
    if (!fs.existsSync(metaFile)) {
      problems.add(dir, 'is not an experiment: it has no meta.yaml');
      continue;
    }
    const meta = readYaml(metaFile, problems);
    if (!meta) continue;
    if (meta.lifecycle_stage === 'deleted') continue;
    out.push({ id: str(meta.experiment_id) ?? name, name: str(meta.name) ?? name, dir });
  }
  return out;
}

/** The run folders of an experiment (without reading them), so progress can count them first. */
export function runDirs(exp: MlflowExperiment): string[] {
  return subdirs(exp.dir)
    .filter((n) => !EXPERIMENT_NOT_RUNS.has(n))
    .map((n) => path.join(exp.dir, n));
}

export function readRun(dir: string, exp: MlflowExperiment, problems: ProblemList): MlflowRun | null {
  const metaFile = path.join(dir, 'meta.yaml');
  if (!fs.existsSync(metaFile)) {
    problems.add(dir, 'is not a run: it has no meta.yaml');
    return null;
  }
  const meta = readYaml(metaFile, problems);
  if (!meta) return null;
  const id = str(meta.run_id) ?? str(meta.run_uuid);
  if (!id) {
    problems.add(metaFile, 'names no run_id');
    return null;
  }
  const status = typeof meta.status === 'number' ? STATUS_NAMES[meta.status] : str(meta.status);
  if (!status || !Object.values(STATUS_NAMES).includes(status)) {
    problems.add(metaFile, `has an unknown status ${JSON.stringify(meta.status)}`);
    return null;
  }
  const inside = path.join(dir, 'artifacts');
  const artifactDir = fs.existsSync(inside) ? inside : localUri(str(meta.artifact_uri));
  return {
    id,
    dir,
    experiment: exp,
    name: str(meta.run_name),
    status,
    startTime: millis(meta.start_time),
    endTime: millis(meta.end_time),
    user: str(meta.user_id),
    source: str(meta.source_name),
    gitCommit: str(meta.source_version),
    deleted: meta.lifecycle_stage === 'deleted',
    artifactDir: artifactDir && fs.existsSync(artifactDir) ? artifactDir : null,
  };
}

/** Files under dir, keyed by their path relative to it with '/' (MLflow writes key a/b as a/b). */
function keyedFiles(dir: string): [string, string][] {
  if (!fs.existsSync(dir)) return [];
  const out: [string, string][] = [];
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else if (d.isFile()) out.push([r, path.join(dir, r)]);
    }
  };
  walk('');
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** params/<key> or tags/<key>: the whole file is the value. */
export function readValues(dir: string, problems: ProblemList): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, file] of keyedFiles(dir)) {
    try {
      out.push([key, fs.readFileSync(file, 'utf8')]);
    } catch (err) {
      problems.add(file, `cannot be read: ${(err as Error).message}`);
    }
  }
  return out;
}

/** A value as Python prints a float: also nan, inf and -inf, which Number() does not read. */
function pyFloat(text: string): number {
  const v = Number(text);
  if (!Number.isNaN(v) || text === 'nan' || text === 'NaN') return v;
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return NaN;
}

/**
 * metrics/<key>: one point a line, "timestamp value step" (step missing in files of MLflow before
 * 1.0, where it is 0). Parsed from the bytes without splitting the text into strings per line: this
 * is most of an import's time. A bad line is skipped and reported with its number.
 */
export function readMetric(key: string, file: string, problems: ProblemList): MetricSeries | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    problems.add(file, `cannot be read: ${(err as Error).message}`);
    return null;
  }
  let cap = 16;
  let steps = new Float64Array(cap);
  let values = new Float64Array(cap);
  let times = new Float64Array(cap);
  let n = 0;
  let bad = 0;
  let firstBad = 0;
  let line = 0;
  const text = buf.toString('latin1');
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line += 1;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop -= 1;
    if (stop > pos) {
      const a = text.indexOf(' ', pos);
      const b = a >= 0 && a < stop ? text.indexOf(' ', a + 1) : -1;
      const time = a > pos && a < stop ? numberAt(text, pos, a) : NaN;
      const valueText = a >= 0 && a < stop ? text.slice(a + 1, b >= 0 && b < stop ? b : stop) : '';
      const value = valueText ? pyFloat(valueText) : NaN;
      const step = b >= 0 && b < stop ? numberAt(text, b + 1, stop) : 0;
      const ok =
        Number.isFinite(time) && Number.isFinite(step) && (!Number.isNaN(value) || /^nan$/i.test(valueText));
      if (ok) {
        if (n === cap) {
          cap *= 4;
          steps = grow(steps, cap);
          values = grow(values, cap);
          times = grow(times, cap);
        }
        times[n] = time;
        values[n] = value;
        steps[n] = step;
        n += 1;
      } else {
        bad += 1;
        if (!firstBad) firstBad = line;
      }
    }
    pos = end + 1;
  }
  if (bad) {
    problems.add(
      `${file}:${firstBad}`,
      `${bad} line${bad === 1 ? ' is' : 's are'} not "timestamp value step" (first at line ${firstBad}); the other ${n} points were imported`,
    );
  }
  return { key, steps, values, times, n };
}

/**
 * The number in text[from, to): timestamps and steps are plain integers, read digit by digit without
 * making a string (exact below 2^53); anything else goes through Number().
 */
function numberAt(text: string, from: number, to: number): number {
  if (to - from <= 15) {
    let v = 0;
    let i = from;
    for (; i < to; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === to && to > from) return v;
  }
  return to > from ? Number(text.slice(from, to)) : NaN;
}

function grow(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

export function metricFiles(runDir: string): [string, string][] {
  return keyedFiles(path.join(runDir, 'metrics'));
}

export interface MlflowModelVersion {
  version: number;
  dir: string;
  source: string | null;
  runId: string | null;
}

export interface MlflowModel {
  name: string;
  versions: MlflowModelVersion[];
  /** alias → MLflow version number */
  aliases: [string, number][];
}

/** The registry: models/<name>/version-<n>/meta.yaml, and models/<name>/aliases/<alias> holding a version number. */
export function listModels(root: string, problems: ProblemList): MlflowModel[] {
  const dir = path.join(root, 'models');
  if (!fs.existsSync(dir)) return [];
  const out: MlflowModel[] = [];
  for (const name of subdirs(dir)) {
    const modelDir = path.join(dir, name);
    const versions: MlflowModelVersion[] = [];
    for (const v of subdirs(modelDir).filter((n) => n.startsWith('version-'))) {
      const metaFile = path.join(modelDir, v, 'meta.yaml');
      const meta = fs.existsSync(metaFile) ? readYaml(metaFile, problems) : null;
      if (!meta) {
        if (!fs.existsSync(metaFile))
          problems.add(path.join(modelDir, v), 'is not a model version: it has no meta.yaml');
        continue;
      }
      if (meta.current_stage === 'Deleted_Internal') continue;
      const number = Number(meta.version ?? v.slice('version-'.length));
      if (!Number.isInteger(number) || number < 1) {
        problems.add(metaFile, `has no version number (${JSON.stringify(meta.version)})`);
        continue;
      }
      versions.push({
        version: number,
        dir: path.join(modelDir, v),
        source: str(meta.storage_location) ?? str(meta.source),
        runId: str(meta.run_id),
      });
    }
    versions.sort((a, b) => a.version - b.version);
    const aliases: [string, number][] = [];
    for (const [alias, file] of keyedFiles(path.join(modelDir, 'aliases'))) {
      const text = fs.readFileSync(file, 'utf8').trim();
      const number = Number(text);
      if (!Number.isInteger(number) || !versions.some((v) => v.version === number)) {
        problems.add(file, `names no version of ${name} (${JSON.stringify(text)})`);
        continue;
      }
      aliases.push([alias, number]);
    }
    out.push({ name, versions, aliases });
  }
  return out;
}
