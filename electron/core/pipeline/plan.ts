import type { StagePlan } from '../../../shared/api/pipelines.js';
import type { Project } from '../project/project.js';
import { checkStage } from './cache.js';
import { buildDag, selectStages, type Dag } from './dag.js';
import { sbatchOptions } from './slurm.js';
import type { Stage } from './stages.js';

export interface PlanOptions {
  stages?: string[];
  force?: boolean;
  signal?: AbortSignal;
}

/** Reads strata.yaml (or dvc.yaml) afresh and builds its DAG; every error names the file and line. */
export function loadDag(project: Project): Dag {
  const loaded = project.reloadConfig();
  return buildDag(project.root, loaded);
}

export function planEntry(stage: Stage, dag: Dag, run: boolean, reason: string): StagePlan {
  return {
    stage: stage.name,
    cmd: stage.cmd,
    deps: stage.deps,
    outs: stage.outs,
    after: dag.upstream.get(stage.name) ?? [],
    state: stage.frozen ? 'frozen' : run ? 'stale' : 'fresh',
    run,
    reason,
    autoRun: stage.autoRun,
    frozen: stage.frozen,
    alwaysChanged: stage.alwaysChanged,
    ...(stage.slurm ? { slurm: sbatchOptions(stage.slurm) } : {}),
    ...(stage.desc !== undefined ? { desc: stage.desc } : {}),
    ...(stage.meta !== undefined ? { meta: stage.meta } : {}),
  };
}

/**
 * What `strata run` would do, without doing it: each stage's verdict from the stage cache. A stage
 * below one that runs is reported as running after it, since its deps are about to change.
 */
export async function planPipeline(project: Project, opts: PlanOptions = {}): Promise<StagePlan[]> {
  const dag = loadDag(project);
  const selected = selectStages(dag, opts.stages ?? [], project.config);
  const runs = new Set<string>();
  const plan: StagePlan[] = [];
  for (const stage of selected) {
    const ups = (dag.upstream.get(stage.name) ?? []).filter((u) => runs.has(u));
    let run: boolean;
    let reason: string;
    if (ups.length && !opts.force && !stage.frozen) {
      run = true;
      reason = `upstream stage${ups.length > 1 ? 's' : ''} ${ups.join(', ')} will run first`;
    } else {
      try {
        const v = await checkStage(project, stage, { force: opts.force, signal: opts.signal });
        run = v.run;
        reason = v.reason;
      } catch (err) {
        run = true;
        reason = `cannot check: ${(err as Error).message}`;
      }
    }
    if (run) runs.add(stage.name);
    plan.push(planEntry(stage, dag, run, reason));
  }
  return plan;
}
