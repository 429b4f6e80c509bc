import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import { StrataError } from '../../../shared/errors.js';
import type { JobContext } from '../jobs/jobs.js';
import { startRun, type RunOptions } from './runner.js';

/**
 * The pipeline runs of one open project in a long-running host: each run is a job (progress in
 * stages, cancellable from the jobs tray), its events go out as run.* push events, and automatic
 * triggers that arrive while a run is going coalesce into one more run afterwards.
 */
export class PipelineController {
  private running: { runId: string; done: Promise<unknown> } | null = null;
  private pendingAuto: Set<string> | null = null;
  private stopped = false;

  constructor(
    private readonly project: Project,
    private readonly engine: Engine,
  ) {}

  get activeRunId(): string | null {
    return this.running?.runId ?? null;
  }

  run(opts: Pick<RunOptions, 'stages' | 'force' | 'name'>): string {
    const engine = this.engine;
    const abort = new AbortController();
    let ctx: JobContext | null = null;
    let finished = 0;
    const { runId, done } = startRun(this.project, {
      ...opts,
      signal: abort.signal,
      events: {
        onRun: (run) => engine.emit('run.update', run),
        onRemoved: (run, reason) => engine.emit('run.removed', { run, reason }),
        onLog: (e) => engine.emit('run.log', e),
        onMetrics: (id, keys) => engine.emit('run.metrics', { runId: id, keys }),
        onStage: (_s, status) => {
          if (status !== 'running' && status !== 'pending') ctx?.progress(++finished);
        },
      },
    });
    const stages =
      (this.project.db
        .prepare('SELECT COUNT(*) FROM run_stages WHERE run_id = ?')
        .pluck()
        .get(runId) as number) ?? null;
    const { done: jobDone } = engine.jobs.start(
      { label: `pipeline run ${runId}`, unit: 'stages', total: stages },
      async (job) => {
        ctx = job;
        job.signal.addEventListener('abort', () => abort.abort(), { once: true });
        const summary = await done;
        if (summary.status === 'failed') {
          // A stage's reason already says "failed: exit code 1": name the stage, do not repeat the word.
          const stage = summary.stages.find((s) => s.status === 'failed');
          throw new StrataError(
            'INTERNAL',
            stage ? `stage ${stage.stage} ${stage.reason}` : `run ${runId} failed; see its logs`,
          );
        }
        if (summary.status === 'cancelled') throw new StrataError('CANCELLED', `run ${runId} was cancelled`);
        return { runId };
      },
    );
    this.running = { runId, done: jobDone };
    const settle = () => {
      this.running = null;
      if (this.project.db.open) this.drainAuto();
    };
    void done.then(settle, settle);
    return runId;
  }

  /** An automatic re-run of these stages; while a run is going, triggers collect into one later run. */
  trigger(stages: string[]): void {
    if (this.stopped) return;
    if (this.running) {
      this.pendingAuto = new Set([...(this.pendingAuto ?? []), ...stages]);
      return;
    }
    try {
      this.run({ stages, name: `auto: ${stages.join('+')}` });
    } catch (err) {
      // Another process holds the slot: try once more when the next change arrives.
      if (!(err instanceof StrataError && err.code === 'CONFLICT')) throw err;
    }
  }

  private drainAuto(): void {
    const pending = this.pendingAuto;
    this.pendingAuto = null;
    if (pending && pending.size) this.trigger([...pending]);
  }

  /** Resolves once the current run (if any) has ended. */
  async idle(): Promise<void> {
    while (this.running) await this.running.done.catch(() => undefined);
  }

  /** The project is closing: no automatic run starts any more; resolves once the current one has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    this.pendingAuto = null;
    return this.idle();
  }
}

const controllers = new WeakMap<Project, PipelineController>();

export function controllerFor(project: Project, engine: Engine): PipelineController {
  let c = controllers.get(project);
  if (!c) {
    c = new PipelineController(project, engine);
    controllers.set(project, c);
  }
  return c;
}
