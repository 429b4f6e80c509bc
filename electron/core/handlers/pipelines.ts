import { pipelineCalls, type PipelineStatus, type StagePlan } from '../../../shared/api/pipelines.js';
import { shownStatus, type StageStatus } from '../../../shared/api/runs.js';
import { StrataError } from '../../../shared/errors.js';
import type { Handlers } from '../engine.js';
import type { Project } from '../project/project.js';
import { controllerFor } from '../pipeline/controller.js';
import { planPipeline } from '../pipeline/plan.js';

/**
 * Overlays what the plan cannot know: the stage running now, a SLURM stage queued behind its
 * upstream's jobs, and a stage whose last execution failed.
 */
function withLiveState(project: Project, plan: StagePlan[], runningRunId: string | null): StagePlan[] {
  const last = project.db.prepare(
    `SELECT rs.status FROM run_stages rs JOIN runs r ON r.id = rs.run_id
     WHERE rs.status NOT IN ('pending', 'skipped') AND rs.stage = ? ORDER BY r.started_at DESC LIMIT 1`,
  );
  const live = new Map(
    runningRunId
      ? (
          project.db
            .prepare(
              "SELECT stage, status, reason FROM run_stages WHERE run_id = ? AND status IN ('running', 'pending')",
            )
            .all(runningRunId) as { stage: string; status: StageStatus; reason: string }[]
        ).map((r) => [r.stage, r])
      : [],
  );
  return plan.map((p) => {
    const now = live.get(p.stage);
    if (now?.status === 'running') return { ...p, state: 'running' };
    if (now && shownStatus(now) === 'queued') return { ...p, state: 'queued', reason: now.reason };
    const row = last.get(p.stage) as { status: string } | undefined;
    if (row?.status === 'failed' && p.run) return { ...p, state: 'failed' };
    return p;
  });
}

export const pipelineHandlers: Handlers<typeof pipelineCalls> = {
  'pipelines.status': async (_p, engine): Promise<PipelineStatus> => {
    const project = engine.requireProject();
    const runningRunId =
      (project.db
        .prepare("SELECT id FROM runs WHERE status = 'running' AND kind = 'pipeline' LIMIT 1")
        .pluck()
        .get() as string | undefined) ?? null;
    try {
      return {
        stages: withLiveState(project, await planPipeline(project), runningRunId),
        runningRunId,
        error: null,
      };
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      return {
        stages: [],
        runningRunId,
        error: { message: err.message, file: err.where?.file, line: err.where?.line },
      };
    }
  },
  'pipelines.run': async ({ stages, force, dry, name }, engine) => {
    const project = engine.requireProject();
    if (dry) return { runId: null, plan: await planPipeline(project, { stages, force }) };
    // A real run reports its stages through run.update as it checks them; planning first would hash everything twice.
    return { runId: controllerFor(project, engine).run({ stages, force, name }), plan: [] };
  },
};
