import type { Project } from '../project/project.js';
import type { LogSink } from '../runs/logs.js';
import { followSlurmJob, submitSlurmJob, type SlurmJob, type SlurmStepResult } from './slurm.js';
import type { Stage } from './stages.js';

/** A stage's SLURM job, submitted and followed until it ends. */
export interface StageJob {
  id: string;
  submittedAt: number;
  /** what was last seen of the job */
  job: SlurmJob;
  /** settles when the job has ended (or was stopped) */
  result: Promise<SlurmStepResult>;
  /** it was taken out of the queue before it started, because the run stops */
  withdrawn: boolean;
  /** scancels the job if it has not reached a node yet */
  withdraw(): void;
  /** scancels the job whatever its state */
  stop(): void;
}

export interface StageJobOptions {
  project: Project;
  runId: string;
  runDir: string;
  stage: Stage;
  cwd: string;
  env: NodeJS.ProcessEnv;
  sink: LogSink;
  /** the run's cancel: scancels the job */
  signal: AbortSignal;
  /** jobs that must succeed before this one starts */
  after: string[];
  /** jobs of the run still in the queue or running; the job is in it until it ends */
  live: Set<StageJob>;
}

/** The job behind a SLURM stage, as run tags (slurm.<stage>.job, .node, .state): shown with the run. */
function recordJob(project: Project, runId: string, stage: string, job: SlurmJob): void {
  if (!project.db.open) return;
  const put = project.db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)');
  project.db.transaction(() => {
    put.run(runId, `slurm.${stage}.job`, job.id);
    put.run(runId, `slurm.${stage}.state`, job.state);
    if (job.node) put.run(runId, `slurm.${stage}.node`, job.node);
  })();
}

function describe(job: SlurmJob): string {
  return `[strata] SLURM job ${job.id} ${job.state}${job.node ? ` on ${job.node}` : ''}${job.reason ? ` (reason: ${job.reason})` : ''}`;
}

/**
 * Submits a SLURM stage's job and follows it: its states become run tags and log notes, its output
 * goes to the stage's log, and the run's cancel scancels it. Returns sbatch's refusal in words instead
 * when the job could not be submitted.
 */
export async function submitStageJob(o: StageJobOptions): Promise<StageJob | { spawnError: string }> {
  const s = o.stage;
  const submitted = await submitSlurmJob({
    cmd: s.cmd,
    cwd: o.cwd,
    env: o.env,
    stage: s.name,
    resources: s.slurm ?? { options: [] },
    runDir: o.runDir,
    after: o.after,
  });
  if (submitted.spawnError !== undefined) return { spawnError: submitted.spawnError };
  const own = new AbortController();
  const job: SlurmJob = { id: submitted.id, state: 'SUBMITTED', node: null, reason: null };
  const onJob = (seen: SlurmJob) => {
    Object.assign(job, seen);
    recordJob(o.project, o.runId, s.name, job);
    o.sink.note(describe(job));
  };
  onJob(job);
  const stageJob: StageJob = {
    id: submitted.id,
    submittedAt: Date.now(),
    job,
    withdrawn: false,
    result: followSlurmJob(submitted.id, {
      env: o.env,
      stage: s.name,
      runDir: o.runDir,
      onOutput: (stream, text) => o.sink.write(stream, text),
      onJob,
      signal: AbortSignal.any([o.signal, own.signal]),
    }),
    withdraw() {
      if (job.node !== null || own.signal.aborted) return;
      stageJob.withdrawn = true;
      own.abort();
    },
    stop() {
      own.abort();
    },
  };
  o.live.add(stageJob);
  const gone = () => o.live.delete(stageJob);
  stageJob.result.then(gone, gone);
  return stageJob;
}
