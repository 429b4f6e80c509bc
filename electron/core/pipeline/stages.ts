import crypto from 'node:crypto';
import path from 'node:path';
import type { SlurmResources, StageConfig, StrataConfig } from '../config/schema.js';

/** A stage with every path made relative to the project root (forward slashes), whatever its wdir. */
export interface Stage {
  name: string;
  /** the command as run: a list of commands runs them in turn, stopping at the first that fails */
  cmd: string;
  /** the command as written (a string or a list), which is what dvc.lock records */
  rawCmd: string | string[];
  /** the folder the command runs in, relative to the project root ('' for the root) */
  wdir: string;
  deps: string[];
  outs: string[];
  /** param keys per params file (relative to the project root); no keys: every param of the file */
  params: Map<string, string[]>;
  metrics: string[];
  plots: string[];
  /** outs, metrics and plots declared with `cache: false` */
  uncached: string[];
  autoRun: boolean;
  /** runs every time (always_changed: true, or DVC's callback stage: a command with no deps, params or outs) */
  alwaysChanged: boolean;
  /** never run; its outs are used as they are */
  frozen: boolean;
  desc?: string;
  meta?: unknown;
  /** set when the stage runs as a SLURM job (executor: slurm), with what it asks of the cluster */
  slurm?: SlurmResources;
}

function rel(wdir: string, p: string): string {
  const joined = path.posix.normalize(path.posix.join(wdir || '.', p.split(path.sep).join('/')));
  return joined.replace(/^\.\//, '').replace(/\/$/, '');
}

/** DVC writes a dep or out either as a path or as {path: {options}}. */
function paths(items: readonly (string | Record<string, unknown>)[], wdir: string): string[] {
  return items
    .flatMap((item) => (typeof item === 'string' ? [item] : Object.keys(item)))
    .map((p) => rel(wdir, p));
}

/** Paths declared as `{path: {cache: false}}`. */
function uncachedPaths(items: readonly unknown[], wdir: string): string[] {
  return items
    .flatMap((item) =>
      typeof item === 'object' && item !== null
        ? Object.entries(item).filter(([, o]) => (o as { cache?: unknown } | null)?.cache === false)
        : [],
    )
    .map(([p]) => rel(wdir, p));
}

/** DVC's params rules: a file listed with no keys is tracked whole, and then its single keys add nothing. */
function stageParamsMap(s: StageConfig, wdir: string): Map<string, string[]> {
  const whole = new Set<string>();
  for (const p of s.params)
    if (typeof p !== 'string')
      for (const [file, keys] of Object.entries(p)) if (!keys?.length) whole.add(rel(wdir, file));
  const params = new Map<string, string[]>();
  const add = (file: string, keys: string[]) =>
    params.set(file, whole.has(file) ? [] : [...(params.get(file) ?? []), ...keys]);
  for (const p of s.params) {
    if (typeof p === 'string') add(rel(wdir, 'params.yaml'), [p]);
    else for (const [file, keys] of Object.entries(p)) add(rel(wdir, file), keys ?? []);
  }
  return params;
}

export function normalizeStage(name: string, s: StageConfig, config: StrataConfig): Stage {
  const wdir = s.wdir ? rel('', s.wdir) : '';
  const params = stageParamsMap(s, wdir);
  const stage: Stage = {
    name,
    cmd: Array.isArray(s.cmd) ? s.cmd.join(' && ') : s.cmd,
    rawCmd: s.cmd,
    wdir: wdir === '.' ? '' : wdir,
    deps: paths(s.deps, wdir),
    outs: paths(s.outs, wdir),
    params,
    metrics: paths(s.metrics, wdir),
    plots: paths(s.plots as (string | Record<string, unknown>)[], wdir),
    uncached: uncachedPaths([...s.outs, ...s.metrics, ...s.plots], wdir),
    autoRun: s.auto_run ?? config.auto_run,
    alwaysChanged: s.always_changed === true,
    frozen: s.frozen === true,
  };
  if (
    !stage.deps.length &&
    !params.size &&
    !stage.outs.length &&
    !stage.metrics.length &&
    !stage.plots.length
  )
    stage.alwaysChanged = true;
  // Only on SLURM stages, so a local stage's definition (and the pipeline hash) is what it always was.
  if (s.executor === 'slurm') stage.slurm = s.slurm ?? { options: [] };
  if (s.desc !== undefined) stage.desc = s.desc;
  if (s.meta !== undefined) stage.meta = s.meta;
  return stage;
}

export function normalizeStages(config: StrataConfig): Stage[] {
  return Object.entries(config.stages).map(([name, s]) => normalizeStage(name, s, config));
}

/** A path is inside another (or the same): data/prepared/x.csv is inside data/prepared. */
export function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + '/');
}

/** Identifies the pipeline definition: any change to a command, a path or a param list changes it. */
export function pipelineHash(stages: Stage[]): string {
  const canon = stages.map((s) => ({ ...s, params: [...s.params].sort(([a], [b]) => a.localeCompare(b)) }));
  return crypto.createHash('sha256').update(JSON.stringify(canon)).digest('hex');
}
