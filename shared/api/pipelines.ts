import { z } from 'zod';
import { returns } from './define.js';

/** queued: a SLURM job of the run in progress, submitted behind its upstream's jobs */
export type StagePlanState = 'fresh' | 'stale' | 'running' | 'queued' | 'failed' | 'frozen';

export interface StagePlan {
  stage: string;
  cmd: string;
  deps: string[];
  outs: string[];
  /** stages whose outs this stage reads */
  after: string[];
  state: StagePlanState;
  /** whether `strata run` would run it, and why (or why not) */
  run: boolean;
  reason: string;
  autoRun: boolean;
  /** never run by `strata run` (DVC's frozen: true) */
  frozen: boolean;
  /** runs every time (DVC's always_changed, or a stage with no deps, params or outs) */
  alwaysChanged: boolean;
  /** a stage with executor: slurm: the sbatch options its resources become (docs/slurm.md) */
  slurm?: string[];
  /** DVC's desc and meta, kept as written */
  desc?: string;
  meta?: unknown;
}

export interface PipelineStatus {
  stages: StagePlan[];
  /** the run in progress, if any */
  runningRunId: string | null;
  /** the pipeline cannot run as defined (cycle, missing dep…) */
  error: { message: string; file?: string; line?: number } | null;
}

export const pipelineCalls = {
  'pipelines.status': { params: z.object({}).strict(), result: returns<PipelineStatus>() },
  /** With dry, only the plan; otherwise the new run's id (its stages then arrive as run.update events, plan is empty). */
  'pipelines.run': {
    params: z
      .object({
        stages: z.array(z.string().min(1)).default([]),
        force: z.boolean().default(false),
        dry: z.boolean().default(false),
        /** default: the stages run and the time */
        name: z.string().min(1).max(200).optional(),
      })
      .strict(),
    result: returns<{ runId: string | null; plan: StagePlan[] }>(),
  },
};
