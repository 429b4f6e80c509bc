import crypto from 'node:crypto';
import path from 'node:path';
import type { StageConfig, StrataConfig } from '../config/schema.js';

/** A stage with every path made relative to the project root (forward slashes), whatever its wdir. */
export interface Stage {
  name: string;
  cmd: string;
  /** the folder the command runs in, relative to the project root ('' for the root) */
  wdir: string;
  deps: string[];
  outs: string[];
  /** param keys per params file (relative to the project root) */
  params: Map<string, string[]>;
  metrics: string[];
  plots: string[];
  autoRun: boolean;
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

export function normalizeStage(name: string, s: StageConfig, config: StrataConfig): Stage {
  const wdir = s.wdir ? rel('', s.wdir) : '';
  const params = new Map<string, string[]>();
  const add = (file: string, keys: string[]) => params.set(file, [...(params.get(file) ?? []), ...keys]);
  for (const p of s.params) {
    if (typeof p === 'string') add(rel(wdir, 'params.yaml'), [p]);
    else for (const [file, keys] of Object.entries(p)) add(rel(wdir, file), keys);
  }
  return {
    name,
    cmd: Array.isArray(s.cmd) ? s.cmd.join(' && ') : s.cmd,
    wdir: wdir === '.' ? '' : wdir,
    deps: paths(s.deps, wdir),
    outs: paths(s.outs, wdir),
    params,
    metrics: paths(s.metrics, wdir),
    plots: paths(s.plots as (string | Record<string, unknown>)[], wdir),
    autoRun: s.auto_run ?? config.auto_run,
  };
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
