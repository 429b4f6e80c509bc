import type { RunSummary, StagePlan, StagePlanState, StageStatus } from '../../../shared/api/index.js';

const SHOWN: Partial<Record<StageStatus, StagePlanState>> = {
  running: 'running',
  done: 'fresh',
  skipped: 'fresh',
  failed: 'failed',
  cancelled: 'failed',
  interrupted: 'failed',
};

/**
 * The plan with the run in progress laid over it. The plan (pipelines.status) hashes files and arrives
 * later than the run's own stage events, which are what the log shows: while a run is going, or until
 * a plan read after it ended arrives, each stage it reached shows the state the run gave it.
 */
export function withLiveRun(stages: StagePlan[], run: RunSummary | null, planAskedAt: number): StagePlan[] {
  if (!run || (run.status !== 'running' && (run.endedAt ?? 0) < planAskedAt)) return stages;
  const live = new Map(run.stages.map((s) => [s.stage, s]));
  return stages.map((s) => {
    const r = live.get(s.stage);
    const state = r && SHOWN[r.status];
    return state && state !== s.state ? { ...s, state, reason: r.reason || s.reason } : s;
  });
}
