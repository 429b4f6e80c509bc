import fs from 'node:fs';
import path from 'node:path';
import {
  STAGE_WAITING,
  type RunLogEvent,
  type RunSummary,
  type StageStatus,
} from '../../../shared/api/runs.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { restoreVersion } from '../store/api.js';
import { readMetricsPath, readDvcLive } from '../metrics/files.js';
import { cancelRequested, registerActive } from '../runs/cancel.js';
import { recordCodeState } from '../runs/code-state.js';
import { captureEnvironment } from '../runs/context.js';
import { DEFAULT_LOG_CAP, LogSink } from '../runs/logs.js';
import { TrackingPump } from '../runs/pump.js';
import { recoverInterrupted } from '../runs/recover.js';
import { insertRun, newRunId, runSummary, setRunStatus, updateStage } from '../runs/repo.js';
import { checkStage, hashAll, saveState } from './cache.js';
import { selectStages, type Dag } from './dag.js';
import { stepEnv } from './env.js';
import { linkSkipped, recordLoggedArtifacts, recordStageLineage } from './lineage.js';
import { readAllParams } from './params.js';
import { autoRunName } from '../runs/names.js';
import { loadDag } from './plan.js';
import { runStep, type StepResult } from './process.js';
import { submitStageJob, type StageJob } from './slurm-stage.js';
import { plotPaths } from './dvc/resolve.js';
import { pipelineHash, within, type Stage } from './stages.js';
import {
  blockingReasons,
  readsValidatedData,
  validateStageInputs,
  type InputCheck,
} from '../validation/stage-inputs.js';

export interface RunnerEvents {
  /** the run or one of its stages changed state */
  onRun?: (run: RunSummary) => void;
  /** the run ran nothing (every stage up to date) and its record was dropped; instead of a last onRun */
  onRemoved?: (run: RunSummary, reason: string) => void;
  onStage?: (stage: string, status: StageStatus, reason: string) => void;
  onLog?: (event: RunLogEvent) => void;
  onMetrics?: (runId: string, keys: string[]) => void;
}

export interface RunOptions {
  stages?: string[];
  force?: boolean;
  name?: string;
  signal?: AbortSignal;
  /** ms between SIGTERM and SIGKILL when a step is stopped */
  graceMs?: number;
  /** bytes of output kept per stage */
  logCap?: number;
  events?: RunnerEvents;
  /** the environment steps start from (default: this process's) */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * A reproduction in a scratch folder (reproduce/): its outs are hashed and recorded on its stages,
   * but they are no versions of the project's artifacts and the stage cache stays the workspace's.
   */
  reproduction?: boolean;
}

export function runDir(project: Project, runId: string): string {
  return path.join(project.strataDir, 'runs', runId);
}

/**
 * Claims the project's one pipeline slot and records the new run, in one write transaction, so two
 * runs started at the same moment (two windows, a CLI and the app) cannot both get it.
 */
function claimSlot(
  project: Project,
  run: { id: string; name: string; hash: string; stages: Stage[]; params: Record<string, unknown> },
): void {
  project.db
    .transaction(() => {
      const busy = project.db
        .prepare("SELECT id, runner_pid FROM runs WHERE status = 'running' AND kind = 'pipeline' LIMIT 1")
        .get() as { id: string; runner_pid: number } | undefined;
      if (busy) {
        throw new StrataError(
          'CONFLICT',
          `a pipeline run (${busy.id}, process ${busy.runner_pid}) is already running in this project; wait for it or stop it with \`strata cancel ${busy.id}\``,
          { details: { runId: busy.id } },
        );
      }
      insertRun(project, {
        id: run.id,
        name: run.name,
        kind: 'pipeline',
        status: 'running',
        startedAt: Date.now(),
        pipelineHash: run.hash,
        runnerPid: process.pid,
      });
      const addStage = project.db.prepare(
        "INSERT INTO run_stages (run_id, stage, ord, status, reason, cmd) VALUES (?, ?, ?, 'pending', ?, ?)",
      );
      run.stages.forEach((s, i) => addStage.run(run.id, s.name, i, STAGE_WAITING, s.cmd));
      const addParam = project.db.prepare(
        'INSERT OR REPLACE INTO run_params (run_id, key, value) VALUES (?, ?, ?)',
      );
      for (const [k, v] of Object.entries(run.params)) addParam.run(run.id, k, JSON.stringify(v ?? null));
    })
    .immediate();
}

/**
 * Starts a pipeline run: checks the definition, claims the slot, records the run, and returns its id
 * at once; `done` settles when the run has ended (never rejects: a failure is the run's status).
 */
export function startRun(
  project: Project,
  opts: RunOptions = {},
): { runId: string; done: Promise<RunSummary> } {
  const dag = loadDag(project);
  const stages = selectStages(dag, opts.stages ?? [], project.config);
  if (stages.length === 0)
    throw new StrataError(
      'NOT_FOUND',
      `no stages in ${project.config.file ?? 'strata.yaml'}; add some under stages:`,
    );
  const params = readAllParams(project.root, stages, project.config.config.params ?? []);
  recoverInterrupted(project);
  const id = newRunId();
  const name =
    opts.name ??
    autoRunName(
      project,
      stages.length === dag.order.length ? 'pipeline' : stages.map((s) => s.name).join('+'),
      params,
    );
  claimSlot(project, { id, name, hash: pipelineHash(dag.order), stages, params });
  const done = execute(project, id, stages, dag, opts);
  return { runId: id, done };
}

async function execute(
  project: Project,
  runId: string,
  stages: Stage[],
  dag: Dag,
  opts: RunOptions,
): Promise<RunSummary> {
  const ev = opts.events ?? {};
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const unregister = registerActive(project, runId, controller);
  const dir = runDir(project, runId);
  fs.mkdirSync(dir, { recursive: true });
  const trackingFile = path.join(dir, 'tracking.jsonl');
  const pump = new TrackingPump(project.db, runId, trackingFile, (keys) => ev.onMetrics?.(runId, keys));
  let last: RunSummary | null = null;
  const announce = () => {
    last = runSummary(project, runId);
    ev.onRun?.(last);
  };
  const stage = (
    name: string,
    status: StageStatus,
    reason: string,
    extra: Parameters<typeof updateStage>[3] = {},
  ) => {
    updateStage(project, runId, name, { status, reason, ...extra });
    ev.onStage?.(name, status, reason);
    announce();
  };
  // Cancel from another process arrives through the database.
  const cancelPoll = setInterval(() => {
    if (project.db.open && !controller.signal.aborted && cancelRequested(project, runId)) controller.abort();
  }, 200);
  let status: 'done' | 'failed' | 'cancelled';
  let error: string | null = null;
  try {
    await recordCodeState(project, runId);
    const envDone = captureEnvironment(project.root).then(
      (env) =>
        project.db.open &&
        project.db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(JSON.stringify(env), runId),
      () => undefined,
    );
    announce();
    pump.start();
    const ended = await runStages(
      {
        project,
        runId,
        allStages: dag.order,
        opts,
        signal: controller.signal,
        trackingFile,
        dir,
        stage,
        pump,
        live: new Set(),
        stop: null,
      },
      stages,
      dag.upstream,
    );
    if (ended.thrown) throw ended.thrown;
    status = ended.cancelled ? 'cancelled' : ended.failed ? 'failed' : 'done';
    if (status === 'failed') error = `stage ${ended.failed} failed`;
    if (status === 'cancelled') {
      for (const r of project.db
        .prepare("SELECT stage FROM run_stages WHERE run_id = ? AND status = 'pending'")
        .pluck()
        .all(runId) as string[])
        stage(r, 'skipped', 'not reached: the run was cancelled');
    }
    await envDone;
  } catch (err) {
    status = controller.signal.aborted ? 'cancelled' : 'failed';
    error = err instanceof StrataError ? err.message : `internal error: ${(err as Error).message}`;
    if (project.db.open) {
      // Whatever broke (the store, the disk), no stage may stay 'running' in the record.
      project.db
        .prepare(
          "UPDATE run_stages SET status = ?, reason = ?, ended_at = ? WHERE run_id = ? AND status = 'running'",
        )
        .run(status, error, Date.now(), runId);
      project.db
        .prepare(
          "UPDATE run_stages SET status = 'skipped', reason = ? WHERE run_id = ? AND status = 'pending'",
        )
        .run(`not reached: ${error}`, runId);
    }
  } finally {
    clearInterval(cancelPoll);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    unregister();
  }
  // Closed under the run (the project was closed): its end was written at close; nothing more to record.
  if (!project.db.open)
    return { ...(last ?? ({ id: runId } as RunSummary)), status: 'cancelled', endedAt: Date.now() };
  pump.stop();
  const stats = pump.ingestor.stats;
  project.db
    .prepare(
      'UPDATE runs SET skipped_lines = skipped_lines + ?, nonfinite_values = nonfinite_values + ? WHERE id = ?',
    )
    .run(stats.skipped, stats.nonFinite, runId);
  setRunStatus(project, runId, status, error);
  const summary = runSummary(project, runId);
  if (status === 'done' && summary.stages.every((s) => s.status === 'skipped')) {
    dropRun(project, runId);
    ev.onRemoved?.(summary, UP_TO_DATE);
    return summary;
  }
  ev.onRun?.(summary);
  return summary;
}

export const UP_TO_DATE = 'every stage was up to date: nothing ran, so no run was recorded';

/**
 * Forgets a run that ran nothing: `strata runs` and the Runs list show real runs only. Versions it
 * recorded of what it read stay (they are the data's history), without the run they name.
 */
function dropRun(project: Project, runId: string): void {
  project.db.transaction(() => {
    project.db.prepare('UPDATE versions SET run_id = NULL WHERE run_id = ?').run(runId);
    project.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  })();
  fs.rmSync(runDir(project, runId), { recursive: true, force: true });
}

type StageFn = (
  name: string,
  status: StageStatus,
  reason: string,
  extra?: Parameters<typeof updateStage>[3],
) => void;

/** What every stage of one run shares. */
interface Ctx {
  project: Project;
  runId: string;
  allStages: Stage[];
  opts: RunOptions;
  signal: AbortSignal;
  trackingFile: string;
  dir: string;
  stage: StageFn;
  pump: TrackingPump;
  /** the run's SLURM jobs still queued or running */
  live: Set<StageJob>;
  /** why no further stage starts ("stage x failed"), once one has failed or was cancelled */
  stop: string | null;
}

/** 'notrun': not started, because of another stage or the run's cancel. */
type Outcome = 'ok' | 'failed' | 'cancelled' | 'notrun';

interface Slot {
  stage: Stage;
  done: Promise<Outcome>;
  /** the stage's SLURM job id once submitted; null once the stage has ended without one */
  job: Promise<string | null>;
  settled: boolean;
}

/** A stage's log while it runs: kept in the database every 100 ms. */
interface StageLog {
  sink: LogSink;
  close(): void;
}

/** A SLURM stage submitted before its upstream stages ended, behind their jobs. */
interface Ahead {
  job: StageJob;
  log: StageLog;
}

function openLog(ctx: Ctx, s: Stage): StageLog {
  const sink = new LogSink(
    ctx.project.db,
    ctx.runId,
    s.name,
    ctx.opts.logCap ?? DEFAULT_LOG_CAP,
    (stream, text) => ctx.opts.events?.onLog?.({ runId: ctx.runId, stage: s.name, stream, text }),
  );
  const flush = setInterval(() => sink.flush(), 100);
  return { sink, close: () => clearInterval(flush) };
}

function stepFor(ctx: Ctx, s: Stage): { cwd: string; env: NodeJS.ProcessEnv } {
  return {
    cwd: path.join(ctx.project.root, s.wdir),
    env: stepEnv(ctx.opts.baseEnv ?? process.env, {
      runId: ctx.runId,
      runDir: ctx.dir,
      projectRoot: ctx.project.root,
      stage: s.name,
      trackingFile: ctx.trackingFile,
    }),
  };
}

/**
 * Runs the stages in dependency order. Local stages run one at a time, in the file's order. A SLURM
 * stage does not wait for that turn, only for what it reads: independent ones are in the queue
 * together, and one that reads only from SLURM stages still queued or running is submitted at once
 * behind their jobs (afterok). A failure starts nothing new: jobs still waiting in the queue are
 * withdrawn, what already runs ends and is recorded.
 */
async function runStages(
  ctx: Ctx,
  stages: Stage[],
  upstream: Map<string, string[]>,
): Promise<{ failed: string | null; cancelled: boolean; thrown: unknown }> {
  const slots = new Map<string, Slot>();
  let localTurn: Promise<unknown> = Promise.resolve();
  let failed: string | null = null;
  let thrown: unknown = null;
  const halt = (why: string) => {
    ctx.stop ??= why;
    for (const j of ctx.live) j.withdraw();
  };
  for (const s of stages) {
    const ups = (upstream.get(s.name) ?? []).flatMap((u) => slots.get(u) ?? []);
    let submitted: (id: string | null) => void = () => undefined;
    const job = new Promise<string | null>((resolve) => (submitted = resolve));
    const turn = localTurn;
    const slot: Slot = { stage: s, job, settled: false, done: Promise.resolve('notrun') };
    slot.done = (async (): Promise<Outcome> => {
      try {
        const ahead = await submitAhead(ctx, s, ups);
        if (ahead) submitted(ahead.job.id);
        if (!s.slurm) await turn;
        const outcomes = await Promise.all(ups.map((u) => u.done));
        const bad = outcomes.findIndex((o) => o !== 'ok');
        const why =
          bad >= 0 && outcomes[bad] !== 'notrun'
            ? `stage ${ups[bad].stage.name} ${outcomes[bad] === 'failed' ? 'failed' : 'was cancelled'}`
            : ctx.stop;
        if (bad >= 0 || ctx.stop || ctx.signal.aborted) return await notReached(ctx, s, ahead, why);
        const outcome = await runOne(ctx, s, ahead, submitted);
        if (outcome === 'failed') {
          failed ??= s.name;
          halt(`stage ${s.name} failed`);
        } else if (outcome === 'cancelled') halt(`stage ${s.name} was cancelled`);
        return outcome;
      } catch (err) {
        thrown ??= err;
        halt(err instanceof StrataError ? err.message : `internal error: ${(err as Error).message}`);
        return 'failed';
      } finally {
        submitted(null);
        slot.settled = true;
      }
    })();
    slots.set(s.name, slot);
    if (!s.slurm) localTurn = slot.done;
  }
  const outcomes = await Promise.all([...slots.values()].map((s) => s.done));
  // A stage that broke (the store, the disk) while its job was queued must not leave the job behind.
  const left = [...ctx.live];
  for (const j of left) j.stop();
  await Promise.all(left.map((j) => j.result));
  return {
    failed,
    cancelled: ctx.signal.aborted && outcomes.some((o) => o !== 'ok'),
    thrown,
  };
}

/**
 * Submits a SLURM stage behind the jobs of the SLURM stages it reads from, when they are still queued
 * or running. Its cache verdict cannot be known before they end (their outs are its deps): it runs
 * whatever they write, and its cache entry is recorded when it ends, as for any stage. A stage whose
 * deps are validated before it runs, a frozen one and one reading from a local stage wait instead.
 */
async function submitAhead(ctx: Ctx, s: Stage, ups: Slot[]): Promise<Ahead | null> {
  if (!s.slurm || s.frozen || ups.length === 0 || !ups.every((u) => u.stage.slurm)) return null;
  // A validations: file that cannot be read is reported when the stage is validated, in its turn.
  if (await readsValidatedData(ctx.project, s).catch(() => true)) return null;
  const ids = await Promise.all(ups.map((u) => u.job));
  const behind = ups.flatMap((u, i) =>
    ids[i] !== null && !u.settled ? [{ name: u.stage.name, id: ids[i] }] : [],
  );
  if (behind.length === 0 || ctx.stop || ctx.signal.aborted) return null;
  const log = openLog(ctx, s);
  const names = behind.map((b) => `${b.name} (job ${b.id})`).join(', ');
  log.sink.note(
    `[strata] stage ${s.name}: ${s.cmd}   (queued behind stage ${names}: starts when it succeeds)`,
  );
  const job = await submitStageJob({
    project: ctx.project,
    runId: ctx.runId,
    runDir: ctx.dir,
    stage: s,
    ...stepFor(ctx, s),
    sink: log.sink,
    signal: ctx.signal,
    after: behind.map((b) => b.id),
    live: ctx.live,
  });
  if ('spawnError' in job) {
    // Submitted again in its turn, where sbatch's refusal is reported as the stage's failure.
    log.sink.note(`[strata] not submitted ahead (${job.spawnError}): tried again when ${names} ends`);
    log.sink.flush();
    log.close();
    return null;
  }
  ctx.stage(s.name, 'pending', `SLURM job ${job.id} submitted behind stage ${names}`);
  return { job, log };
}

/**
 * A stage that will not run: skipped with the reason, or, with a job submitted ahead, that job
 * taken out of the queue (stopped if it had started). `why` is null when the run was cancelled.
 */
async function notReached(ctx: Ctx, s: Stage, ahead: Ahead | null, why: string | null): Promise<Outcome> {
  if (!ahead) {
    if (why) ctx.stage(s.name, 'skipped', `not reached: ${why}`);
    return 'notrun';
  }
  // Its job was submitted: on the run's cancel it is cancelled (the signal scancels it), not skipped.
  const cause = ctx.signal.aborted ? null : why;
  // An upstream Strata failed (its outs missing) may have ended well for SLURM, which then started this one.
  if (cause) ahead.job.stop();
  await ahead.job.result;
  return endStopped(ctx, s, ahead.job, ahead.log, cause);
}

/** Records a stage whose job was stopped before it could succeed: by the run's cancel or by `why`. */
function endStopped(ctx: Ctx, s: Stage, job: StageJob, log: StageLog, why: string | null): Outcome {
  log.close();
  const seen = job.job;
  const fields = { ended_at: Date.now(), log_bytes: log.sink.bytes, log_dropped: log.sink.dropped };
  if (why === null) {
    log.sink.note('[strata] cancelled');
    log.sink.flush();
    ctx.stage(s.name, 'cancelled', 'cancelled', fields);
    return 'cancelled';
  }
  const how =
    seen.node === null
      ? `its SLURM job ${seen.id} was taken out of the queue (${seen.state})`
      : `its SLURM job ${seen.id} was stopped (${seen.state} on ${seen.node})`;
  log.sink.note(`[strata] not run: ${why}; ${how}`);
  log.sink.flush();
  if (seen.node !== null) ctx.stage(s.name, 'cancelled', `stopped: ${why}; ${how}`, fields);
  else ctx.stage(s.name, 'skipped', `not reached: ${why}; ${how}`, fields);
  return 'notrun';
}

async function runOne(
  ctx: Ctx,
  s: Stage,
  ahead: Ahead | null,
  submitted: (id: string) => void,
): Promise<Outcome> {
  const { project, runId, opts, signal, stage, pump } = ctx;
  let verdict;
  try {
    verdict = await checkStage(project, s, { force: opts.force, signal });
  } catch (err) {
    if (ahead) {
      ahead.job.stop();
      await ahead.job.result;
      ahead.log.close();
    }
    if (signal.aborted) return 'cancelled';
    stage(s.name, 'failed', (err as Error).message, { started_at: Date.now(), ended_at: Date.now() });
    return 'failed';
  }
  // A job submitted ahead already runs whatever the verdict (see submitAhead).
  if (!ahead) {
    if (verdict.frozen?.missing.length) {
      stage(s.name, 'failed', verdict.reason, { started_at: Date.now(), ended_at: Date.now() });
      return 'failed';
    }
    if (!verdict.run) {
      for (const r of verdict.restore) await restoreVersion(project, r.hash, r.path);
      const outs = await hashAll(project, s.outs, signal);
      if (verdict.fromLock) {
        // DVC's run becomes Strata's: its outs are versioned, so later runs compare (and restore) as usual.
        await recordStageLineage(project, runId, s, ctx.allStages, verdict.now.deps, signal);
        saveState(project, s.name, runId, {
          cmd: s.cmd,
          deps: verdict.now.deps,
          params: verdict.now.params,
          outs,
        });
      } else linkSkipped(project, runId, s, verdict.now.deps, outs);
      stage(s.name, 'skipped', verdict.reason, { deps: JSON.stringify(verdict.now.deps) });
      return 'ok';
    }
    if (!(await inputsValid(project, runId, s, verdict.now.deps, signal, stage))) return 'failed';
    // Another stage failed while this one was being checked: it starts nothing new either.
    if (ctx.stop || signal.aborted) return notReached(ctx, s, null, ctx.stop);
  }
  const reason = verdict.run
    ? verdict.reason
    : 'submitted behind its upstream jobs before their outs were known; they came out unchanged';
  const started = Date.now();
  const log = ahead?.log ?? openLog(ctx, s);
  const sink = log.sink;
  // Stopped however the step ends: a step that cannot even start (a bad environment) must not leave
  // it holding the process open forever.
  let result: StepResult;
  let job: StageJob | null = ahead?.job ?? null;
  try {
    stage(s.name, 'running', reason, { started_at: started, deps: JSON.stringify(verdict.now.deps) });
    if (!ahead) sink.note(`[strata] stage ${s.name}: ${s.cmd}   (${reason})`);
    const step = stepFor(ctx, s);
    const onCluster = async (): Promise<StepResult> => {
      if (!job) {
        const sub = await submitStageJob({
          project,
          runId,
          runDir: ctx.dir,
          stage: s,
          ...step,
          sink,
          signal,
          after: [],
          live: ctx.live,
        });
        if ('spawnError' in sub)
          return { exitCode: null, signal: null, leftovers: false, survivors: [], cancelled: false, ...sub };
        job = sub;
        submitted(sub.id);
      }
      return job.result;
    };
    // The executor is all that differs: how the command is started, waited for and stopped.
    result = s.slurm
      ? await onCluster()
      : await runStep({
          ...step,
          cmd: s.cmd,
          onOutput: (stream, text) => sink.write(stream, text),
          signal,
          onStart: (pid) => updateStage(project, runId, s.name, { pid }),
          graceMs: opts.graceMs,
        });
  } finally {
    log.close();
  }
  if (job?.withdrawn && result.cancelled) return endStopped(ctx, s, job, log, ctx.stop);
  const ended = Date.now();
  if (result.leftovers && !result.cancelled)
    sink.note(
      '[strata] the step exited but left processes running (in its group or detached from it); they were stopped (SIGTERM, then SIGKILL)',
    );
  const unstopped = result.survivors.length
    ? `${result.survivors.length} of its processes could not be stopped (pid ${result.survivors.join(', ')})`
    : null;
  if (unstopped) sink.note(`[strata] ${unstopped}`);
  for (const note of result.notes ?? []) sink.note(`[strata] ${note}`);
  if (result.spawnError) sink.note(`[strata] could not start the step: ${result.spawnError}`);
  if (result.exitCode === 127)
    sink.note(`[strata] exit code 127: the shell could not find the command (${s.cmd.split(/\s+/)[0]})`);
  if (sink.dropped > 0)
    sink.note(
      `[strata] ${sink.dropped} bytes of output were not stored (cap ${opts.logCap ?? DEFAULT_LOG_CAP} bytes)`,
    );
  const fields = {
    ended_at: ended,
    exit_code: result.exitCode,
    signal: result.signal,
    log_bytes: sink.bytes,
    log_dropped: sink.dropped,
  };
  if (result.cancelled) {
    sink.note('[strata] cancelled');
    sink.flush();
    stage(s.name, 'cancelled', unstopped ? `cancelled, but ${unstopped}` : 'cancelled', fields);
    return 'cancelled';
  }
  if (result.exitCode !== 0) {
    const how =
      result.spawnError ??
      result.failure ??
      (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
    sink.note(`[strata] stage ${s.name} failed: ${how}`);
    sink.flush();
    stage(s.name, 'failed', unstopped ? `failed: ${how}; ${unstopped}` : `failed: ${how}`, fields);
    return 'failed';
  }
  const outs = await hashAll(project, s.outs, signal);
  const missing = s.outs.filter((o) => outs[o] === null);
  if (missing.length) {
    sink.note(`[strata] stage ${s.name} exited 0 but did not write ${missing.join(', ')}`);
    sink.flush();
    stage(s.name, 'failed', `did not write its outs: ${missing.join(', ')}`, fields);
    return 'failed';
  }
  // A job submitted ahead may have written its files before the run reached it.
  readStageMetrics(project, s, ahead ? ahead.job.submittedAt : started, pump);
  if (!opts.reproduction) {
    await recordStageLineage(project, runId, s, ctx.allStages, verdict.now.deps, signal);
    for (const problem of await recordLoggedArtifacts(project, runId, s.name, signal))
      sink.note(`[strata] ${problem}`);
    saveState(project, s.name, runId, {
      cmd: s.cmd,
      deps: verdict.now.deps,
      params: verdict.now.params,
      outs,
    });
  }
  sink.note(`[strata] stage ${s.name} done in ${((ended - started) / 1000).toFixed(1)} s`);
  sink.flush();
  const done = job ? `${reason}; SLURM job ${job.id}${job.job.node ? ` on ${job.job.node}` : ''}` : reason;
  stage(s.name, 'done', unstopped ? `${done}; ${unstopped}` : done, {
    ...fields,
    outs: JSON.stringify(outs),
  });
  return 'ok';
}

/**
 * Validation of the stage's dataset deps, recorded as a step of its own (validate:<stage>) before the
 * stage: an error-level failure stops the stage, and so everything downstream, with the reason.
 */
async function inputsValid(
  project: Project,
  runId: string,
  s: Stage,
  deps: Record<string, string | null>,
  signal: AbortSignal,
  stage: StageFn,
): Promise<boolean> {
  const step = `validate:${s.name}`;
  const started = Date.now();
  let checks: InputCheck[];
  try {
    checks = await validateStageInputs(project, s, deps, runId, signal);
  } catch (err) {
    insertStep(project, runId, s.name, step, 'failed', (err as Error).message, started);
    stage(s.name, 'failed', `not run: its data could not be validated (${(err as Error).message})`, {
      started_at: started,
      ended_at: Date.now(),
    });
    return false;
  }
  if (checks.length === 0) return true;
  const blocking = blockingReasons(checks);
  const summary = checks
    .map(
      (c) =>
        `${c.target} ${c.report.status} (${c.report.counts.passed} passed, ${c.report.counts.failed} failed, ${c.report.counts.warned} warnings)`,
    )
    .join('; ');
  insertStep(project, runId, s.name, step, blocking.length ? 'failed' : 'done', summary, started);
  if (!blocking.length) return true;
  stage(s.name, 'failed', `${s.name} not run: ${blocking.join('; ')}`, {
    started_at: started,
    ended_at: Date.now(),
  });
  return false;
}

function insertStep(
  project: Project,
  runId: string,
  before: string,
  step: string,
  status: 'done' | 'failed',
  reason: string,
  started: number,
): void {
  const db = project.db;
  db.transaction(() => {
    // The step takes the stage's place in the order, the stage and those after it move down one.
    const ord = db
      .prepare('SELECT ord FROM run_stages WHERE run_id = ? AND stage = ?')
      .pluck()
      .get(runId, before) as number;
    db.prepare('UPDATE run_stages SET ord = ord + 1 WHERE run_id = ? AND ord >= ?').run(runId, ord);
    db.prepare(
      `INSERT INTO run_stages (run_id, stage, ord, status, reason, cmd, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(runId, step, ord, status, reason, `strata validate (inputs of ${before})`, started, Date.now());
  })();
}

/**
 * A dvc.yaml's top-level metrics and plots files that this stage wrote: those inside its outs, or
 * written since it started (DVCLive writes its files without the stage declaring them).
 */
function topLevelMetrics(project: Project, s: Stage, started: number): string[] {
  const dvc = project.config.dvc;
  if (!dvc) return [];
  const files = [...dvc.resolved.metrics, ...dvc.resolved.plots.flatMap(plotPaths)].filter(
    (f) => !s.metrics.includes(f) && !s.plots.includes(f),
  );
  return files.filter((f) => {
    if (s.outs.some((o) => within(f, o))) return true;
    try {
      return fs.statSync(path.join(project.root, f)).mtimeMs >= started - 1000;
    } catch {
      return false;
    }
  });
}

/** Declared metrics and plots files, and a DVCLive folder the step wrote into. */
function readStageMetrics(project: Project, s: Stage, started: number, pump: TrackingPump): void {
  // The step has exited: take in all it logged first, so a plots file never doubles a logged series.
  pump.drain();
  project.db.transaction(() => {
    for (const p of [...s.metrics, ...s.plots, ...topLevelMetrics(project, s, started)])
      readMetricsPath(path.join(project.root, p), pump.ingestor);
    const live = path.join(project.root, s.wdir, 'dvclive');
    try {
      if (
        fs.statSync(live).mtimeMs >= started - 1000 &&
        !s.metrics.some((m) => m.startsWith(path.posix.join(s.wdir, 'dvclive')))
      )
        readDvcLive(live, pump.ingestor);
    } catch {
      // no DVCLive output
    }
    pump.flush();
  })();
}
