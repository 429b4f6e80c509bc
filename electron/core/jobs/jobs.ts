import crypto from 'node:crypto';
import type { JobInfo } from '../../../shared/api/jobs.js';
import { StrataError, toErrorData, type StrataErrorData } from '../../../shared/errors.js';

export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  /** Reports progress; cheap to call often, updates are throttled before they reach the UI. */
  progress(done: number, total?: number | null): void;
  /** Throws CANCELLED if the job was cancelled; call between units of work. */
  checkCancelled(): void;
  /** Renames the job, for work whose current phase is its news (a CT cycle's step), and what it counts now. */
  relabel(label: string, unit?: string): void;
}

export interface StartJobOptions {
  label: string;
  unit?: string;
  total?: number | null;
}

type Listener = (job: JobInfo) => void;

const THROTTLE_MS = 100;
const KEEP_FINISHED = 50;

/**
 * Long work runs as a job: it has an id, reports typed progress (done/total), can be cancelled, and
 * ends as done, failed or cancelled. The host forwards every update as a `job.update` event.
 */
export class JobManager {
  private jobs = new Map<string, JobInfo>();
  private controllers = new Map<string, AbortController>();
  private running = new Map<string, Promise<unknown>>();
  private lastEmit = new Map<string, number>();
  private pendingEmit = new Map<string, ReturnType<typeof setTimeout>>();
  private listeners = new Set<Listener>();

  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new StrataError('NOT_FOUND', `No job ${id}.`);
    return job;
  }

  /** Starts fn in the background and returns its job at once; `done` resolves with fn's result. */
  start<T>(opts: StartJobOptions, fn: (ctx: JobContext) => Promise<T>): { job: JobInfo; done: Promise<T> } {
    const id = crypto.randomUUID();
    const controller = new AbortController();
    const job: JobInfo = {
      id,
      label: opts.label,
      state: 'running',
      done: 0,
      total: opts.total ?? null,
      unit: opts.unit ?? '',
      startedAt: Date.now(),
      endedAt: null,
      error: null,
    };
    this.jobs.set(id, job);
    this.controllers.set(id, controller);
    this.emit(job, true);
    const ctx: JobContext = {
      id,
      signal: controller.signal,
      progress: (done, total) => {
        job.done = done;
        if (total !== undefined) job.total = total;
        this.emit(job, false);
      },
      checkCancelled: () => {
        if (controller.signal.aborted) throw new StrataError('CANCELLED', `${opts.label}: cancelled`);
      },
      relabel: (label, unit) => {
        job.label = label;
        if (unit !== undefined) job.unit = unit;
        this.emit(job, true);
      },
    };
    const done = (async () => {
      try {
        const result = await fn(ctx);
        this.finish(job, controller.signal.aborted ? 'cancelled' : 'done', null, result);
        return result;
      } catch (err) {
        const cancelled =
          controller.signal.aborted || (err instanceof StrataError && err.code === 'CANCELLED');
        this.finish(job, cancelled ? 'cancelled' : 'failed', toErrorData(err));
        throw err;
      }
    })();
    // The caller may not await `done`; its failure is already recorded on the job.
    done.catch(() => undefined);
    this.running.set(id, done);
    void done.finally(() => this.running.delete(id)).catch(() => undefined);
    return { job, done };
  }

  /** Resolves once the job has ended, with its final state (its result, or its error). */
  async wait(id: string): Promise<JobInfo> {
    await this.running.get(id)?.catch(() => undefined);
    return { ...this.get(id) };
  }

  cancel(id: string): JobInfo {
    const job = this.get(id);
    if (job.state === 'running') this.controllers.get(id)?.abort();
    return job;
  }

  /** Cancels every running job; resolves once each of them has ended (whatever it ended as). */
  cancelAll(): Promise<void> {
    const ending = [...this.running.values()];
    for (const c of this.controllers.values()) c.abort();
    return Promise.allSettled(ending).then(() => undefined);
  }

  private finish(
    job: JobInfo,
    state: JobInfo['state'],
    error: StrataErrorData | null,
    result?: unknown,
  ): void {
    job.state = state;
    job.error = error;
    job.endedAt = Date.now();
    if (state === 'done' && job.total !== null) job.done = job.total;
    if (result !== undefined) job.result = result;
    this.controllers.delete(job.id);
    this.emit(job, true);
    const finished = this.list().filter((j) => j.state !== 'running');
    for (const old of finished.slice(KEEP_FINISHED)) this.jobs.delete(old.id);
  }

  private emit(job: JobInfo, force: boolean): void {
    const now = Date.now();
    const last = this.lastEmit.get(job.id) ?? 0;
    const pending = this.pendingEmit.get(job.id);
    if (!force && now - last < THROTTLE_MS) {
      if (!pending) {
        this.pendingEmit.set(
          job.id,
          setTimeout(
            () => {
              this.pendingEmit.delete(job.id);
              this.emit(job, true);
            },
            THROTTLE_MS - (now - last),
          ),
        );
      }
      return;
    }
    if (pending) {
      clearTimeout(pending);
      this.pendingEmit.delete(job.id);
    }
    this.lastEmit.set(job.id, now);
    const snapshot = { ...job };
    for (const l of this.listeners) l(snapshot);
  }
}
