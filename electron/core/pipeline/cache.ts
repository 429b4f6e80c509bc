import { hashPath } from '../store/api.js';
import { keyed } from '../../../shared/names.js';
import type { Project } from '../project/project.js';
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
 * (an out that is only missing is restored from the store).
 */
export async function checkStage(
  project: Project,
  stage: Stage,
  opts: { force?: boolean; signal?: AbortSignal } = {},
): Promise<Verdict> {
  const deps = await hashAll(project, stage.deps, opts.signal);
  const params = stageParams(project.root, stage);
  const now = { deps, params };
  const verdict = (run: boolean, reason: string, restore: Verdict['restore'] = []): Verdict => ({
    run,
    reason,
    restore,
    now,
  });
  if (opts.force) return verdict(true, 'forced (--force)');
  const before = loadState(project, stage.name);
  if (!before) return verdict(true, 'never run successfully before');
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
