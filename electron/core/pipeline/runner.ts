import fs from 'node:fs';
import path from 'node:path';
import type { RunLogEvent, RunSummary, StageStatus } from '../../../shared/api/runs.js';
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
import { selectStages } from './dag.js';
import { stepEnv } from './env.js';
import { linkSkipped, recordLoggedArtifacts, recordStageLineage } from './lineage.js';
import { readAllParams } from './params.js';
import { autoRunName } from '../runs/names.js';
import { loadDag } from './plan.js';
import { runStep, type StepResult } from './process.js';
import { runSlurmStep, type SlurmJob } from './slurm.js';
import { plotPaths } from './dvc/resolve.js';
import { pipelineHash, within, type Stage } from './stages.js';
import { blockingReasons, validateStageInputs, type InputCheck } from '../validation/stage-inputs.js';

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
        "INSERT INTO run_stages (run_id, stage, ord, status, reason, cmd) VALUES (?, ?, ?, 'pending', 'waiting', ?)",
      );
      run.stages.forEach((s, i) => addStage.run(run.id, s.name, i, s.cmd));
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
  const done = execute(project, id, stages, dag.order, opts);
  return { runId: id, done };
}

async function execute(
  project: Project,
  runId: string,
  stages: Stage[],
  allStages: Stage[],
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
  let status: 'done' | 'failed' | 'cancelled' = 'done';
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
    for (let i = 0; i < stages.length; i++) {
      const s = stages[i];
      if (controller.signal.aborted) {
        status = 'cancelled';
        break;
      }
      const outcome = await runOne(
        project,
        runId,
        s,
        allStages,
        opts,
        controller.signal,
        trackingFile,
        dir,
        stage,
        pump,
      );
      if (outcome !== 'ok') {
        status = outcome;
        if (outcome === 'failed') error = `stage ${s.name} failed`;
        for (const rest of stages.slice(i + 1))
          stage(
            rest.name,
            'skipped',
            `not reached: stage ${s.name} ${outcome === 'cancelled' ? 'was cancelled' : 'failed'}`,
          );
        break;
      }
    }
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

async function runOne(
  project: Project,
  runId: string,
  s: Stage,
  allStages: Stage[],
  opts: RunOptions,
  signal: AbortSignal,
  trackingFile: string,
  dir: string,
  stage: StageFn,
  pump: TrackingPump,
): Promise<'ok' | 'failed' | 'cancelled'> {
  let verdict;
  try {
    verdict = await checkStage(project, s, { force: opts.force, signal });
  } catch (err) {
    if (signal.aborted) return 'cancelled';
    stage(s.name, 'failed', (err as Error).message, { started_at: Date.now(), ended_at: Date.now() });
    return 'failed';
  }
  if (verdict.frozen?.missing.length) {
    stage(s.name, 'failed', verdict.reason, { started_at: Date.now(), ended_at: Date.now() });
    return 'failed';
  }
  if (!verdict.run) {
    for (const r of verdict.restore) await restoreVersion(project, r.hash, r.path);
    const outs = await hashAll(project, s.outs, signal);
    if (verdict.fromLock) {
      // DVC's run becomes Strata's: its outs are versioned, so later runs compare (and restore) as usual.
      await recordStageLineage(project, runId, s, allStages, verdict.now.deps, signal);
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
  const started = Date.now();
  const sink = new LogSink(project.db, runId, s.name, opts.logCap ?? DEFAULT_LOG_CAP, (stream, text) =>
    opts.events?.onLog?.({ runId, stage: s.name, stream, text }),
  );
  const logFlush = setInterval(() => sink.flush(), 100);
  // Stopped however the step ends: a step that cannot even start (a bad environment) must not leave
  // it holding the process open forever.
  let result: StepResult;
  let slurmJob: SlurmJob | null = null;
  try {
    stage(s.name, 'running', verdict.reason, { started_at: started, deps: JSON.stringify(verdict.now.deps) });
    sink.note(`[strata] stage ${s.name}: ${s.cmd}   (${verdict.reason})`);
    const cwd = path.join(project.root, s.wdir);
    const step = {
      cmd: s.cmd,
      cwd,
      env: stepEnv(opts.baseEnv ?? process.env, {
        runId,
        runDir: dir,
        projectRoot: project.root,
        stage: s.name,
        trackingFile,
      }),
      onOutput: (stream: 'stdout' | 'stderr', text: string) => sink.write(stream, text),
      signal,
    };
    // The executor is all that differs: how the command is started, waited for and stopped.
    result = s.slurm
      ? await runSlurmStep({
          ...step,
          stage: s.name,
          resources: s.slurm,
          runDir: dir,
          onJob: (job) => {
            slurmJob = job;
            recordSlurmJob(project, runId, s.name, job);
            sink.note(
              `[strata] SLURM job ${job.id} ${job.state}${job.node ? ` on ${job.node}` : ''}${job.reason ? ` (reason: ${job.reason})` : ''}`,
            );
          },
        })
      : await runStep({
          ...step,
          onStart: (pid) => updateStage(project, runId, s.name, { pid }),
          graceMs: opts.graceMs,
        });
  } finally {
    clearInterval(logFlush);
  }
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
  readStageMetrics(project, s, started, pump);
  if (!opts.reproduction) {
    await recordStageLineage(project, runId, s, allStages, verdict.now.deps, signal);
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
  const job = slurmJob as SlurmJob | null;
  const done = job
    ? `${verdict.reason}; SLURM job ${job.id}${job.node ? ` on ${job.node}` : ''}`
    : verdict.reason;
  stage(s.name, 'done', unstopped ? `${done}; ${unstopped}` : done, {
    ...fields,
    outs: JSON.stringify(outs),
  });
  return 'ok';
}

/** The job behind a SLURM stage, as run tags (slurm.<stage>.job, .node, .state): shown with the run. */
function recordSlurmJob(project: Project, runId: string, stage: string, job: SlurmJob): void {
  const put = project.db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)');
  project.db.transaction(() => {
    put.run(runId, `slurm.${stage}.job`, job.id);
    put.run(runId, `slurm.${stage}.state`, job.state);
    if (job.node) put.run(runId, `slurm.${stage}.node`, job.node);
  })();
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
