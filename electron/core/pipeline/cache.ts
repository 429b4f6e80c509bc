import path from 'node:path';
import { hashPath } from '../store/api.js';
import { keyed } from '../../../shared/names.js';
import type { Project } from '../project/project.js';
import { checkLock, readDvcLock } from './dvc/lock.js';
import { stageParams } from './params.js';
import type { Stage } from './stages.js';

export interface StageState {
  cmd: string;
  deps: Record<string, string | null>;
  params: Record<string, unknown>;
  outs: Record<string, string | null>;
}

export interface Verdict {
  run: boolean;
  reason: string;
  /** outs to bring back from the store before skipping */
  restore: { path: string; hash: string }[];
  now: { deps: Record<string, string | null>; params: Record<string, unknown> };
  /** skipped because dvc.lock shows DVC ran it with these very deps, params and outs */
  fromLock?: boolean;
  /** a frozen stage: never run; `missing` are its outs that are not there and cannot be restored */
  frozen?: { missing: string[] };
}

export function loadState(project: Project, stage: string): StageState | null {
  const row = project.db
    .prepare('SELECT cmd, deps, params, outs FROM stage_state WHERE stage = ?')
    .get(stage) as { cmd: string; deps: string; params: string; outs: string } | undefined;
  if (!row) return null;
  return {
    cmd: row.cmd,
    deps: Object.assign(keyed(), JSON.parse(row.deps)),
    params: Object.assign(keyed(), JSON.parse(row.params)),
    outs: Object.assign(keyed(), JSON.parse(row.outs)),
  };
}

export function saveState(project: Project, stage: string, runId: string, state: StageState): void {
  project.db
    .prepare(
      'INSERT OR REPLACE INTO stage_state (stage, run_id, cmd, deps, params, outs, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      stage,
      runId,
      state.cmd,
      JSON.stringify(state.deps),
      JSON.stringify(state.params),
      JSON.stringify(state.outs),
      Date.now(),
    );
}

export async function hashAll(
  project: Project,
  paths: string[],
  signal?: AbortSignal,
): Promise<Record<string, string | null>> {
  const out = keyed<string | null>();
  for (const p of paths) out[p] = await hashPath(project, p, { signal });
  return out;
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

function diffKeys(before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k])).sort();
}

/**
 * Decides whether a stage must run, and says why in words: a stage runs when its command, the
 * content of a dep or a param changed, or an out is missing or was modified; otherwise it is skipped
 * (an out that is only missing is restored from the store). As in DVC, a frozen stage never runs,
 * an always_changed stage (or one with no deps, params or outs) always does, and a stage Strata has
 * never run is skipped when dvc.lock shows DVC ran it with the same command, deps, params and outs.
 */
export async function checkStage(
  project: Project,
  stage: Stage,
  opts: { force?: boolean; signal?: AbortSignal } = {},
): Promise<Verdict> {
  // As in DVC, a frozen stage's deps are not even looked at.
  if (stage.frozen) return frozenVerdict(project, stage, loadState(project, stage.name), opts.signal);
  const deps = await hashAll(project, stage.deps, opts.signal);
  const params = stageParams(project.root, stage);
  const now = { deps, params };
  const verdict = (run: boolean, reason: string, restore: Verdict['restore'] = []): Verdict => ({
    run,
    reason,
    restore,
    now,
  });
  const before = loadState(project, stage.name);
  if (opts.force) return verdict(true, 'forced (--force)');
  if (stage.alwaysChanged) {
    return verdict(
      true,
      stage.deps.length || stage.params.size || stage.outs.length
        ? 'always runs (always_changed: true)'
        : 'always runs: it has no deps, params or outs (as in DVC)',
    );
  }
  if (!before) {
    const dvc = project.config.dvc;
    const at = dvc?.resolved.locks[stage.name];
    const locked = at ? readDvcLock(path.join(project.root, at.dir)) : null;
    if (locked && 'unusable' in locked)
      return verdict(true, `never run by Strata; dvc.lock not used (${locked.unusable})`);
    const lock = at && locked ? locked.stages[at.name] : undefined;
    if (!dvc || !lock) return verdict(true, 'never run successfully before');
    const fromLock = await checkLock(project.root, stage, lock, dvc.config.cacheDir, opts.signal);
    if (!fromLock.match) return verdict(true, `never run by Strata; dvc.lock: ${fromLock.reason}`);
    return {
      ...verdict(false, 'up to date per dvc.lock (DVC ran it with these deps, params and outs)'),
      fromLock: true,
    };
  }
  if (before.cmd !== stage.cmd) return verdict(true, `command changed (was: ${before.cmd})`);
  const missingDeps = stage.deps.filter((d) => deps[d] === null);
  if (missingDeps.length) return verdict(true, `dep missing: ${missingDeps.join(', ')}`);
  const changedDeps = diffKeys(before.deps, deps);
  if (changedDeps.length) {
    return verdict(
      true,
      changedDeps
        .map((d) =>
          !Object.hasOwn(before.deps, d)
            ? `dep added: ${d}`
            : !Object.hasOwn(deps, d)
              ? `dep removed: ${d}`
              : `dep changed: ${d}`,
        )
        .join('; '),
    );
  }
  const changedParams = diffKeys(before.params, params);
  if (changedParams.length)
    return verdict(
      true,
      `params changed: ${changedParams.map((k) => `${k} ${show(before.params[k])} → ${show(params[k])}`).join(', ')}`,
    );
  const outs = await hashAll(project, stage.outs, opts.signal);
  const restore: Verdict['restore'] = [];
  for (const out of stage.outs) {
    const was = before.outs[out];
    if (outs[out] === null) {
      if (!was) return verdict(true, `out missing: ${out}`);
      restore.push({ path: out, hash: was });
    } else if (outs[out] !== was) {
      return verdict(true, `out modified: ${out}`);
    }
  }
  if (restore.length)
    return verdict(
      false,
      `up to date; missing outs restored from the store: ${restore.map((r) => r.path).join(', ')}`,
      restore,
    );
  return verdict(false, 'up to date (command, deps and params unchanged)');
}

/** A frozen stage is never run; outs it lacks come back from the store when Strata has them. */
async function frozenVerdict(
  project: Project,
  stage: Stage,
  before: StageState | null,
  signal?: AbortSignal,
): Promise<Verdict> {
  const outs = await hashAll(project, stage.outs, signal);
  const restore: Verdict['restore'] = [];
  const missing: string[] = [];
  for (const out of stage.outs) {
    if (outs[out] !== null) continue;
    const was = before?.outs[out];
    if (was) restore.push({ path: out, hash: was });
    else missing.push(out);
  }
  const reason = missing.length
    ? `frozen, and its outs are missing: ${missing.join(', ')} (unfreeze it to run it)`
    : restore.length
      ? `frozen: not run; missing outs restored from the store: ${restore.map((r) => r.path).join(', ')}`
      : 'frozen: not run (frozen: true)';
  return { run: false, reason, restore, now: { deps: {}, params: {} }, frozen: { missing } };
}
