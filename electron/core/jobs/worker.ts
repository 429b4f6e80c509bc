import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, parentPort } from 'node:worker_threads';
import { StrataError, isStrataErrorData } from '../../../shared/errors.js';

/**
 * Every worker thread of the engine starts, answers and stops here: hashing, fsck, gc, table
 * statistics, compare reads, drift. A worker module calls serveWorker(fn) and answers any number of
 * tasks; the engine reaches it through a pool, workerPool(url) or runWorker(url, input).
 */

type Request = { id: number; input: unknown };
type Reply =
  | { id: number; type: 'progress'; done: number; total: number | null }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: { code?: string; message: string; where?: unknown } };

export interface TaskOptions {
  /** Aborting stops the worker thread; the task rejects with CANCELLED once the thread has stopped. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | null) => void;
  /** Run on this worker (0-based) of the pool, for a worker that keeps what it last read. */
  worker?: number;
}

export interface PoolOptions {
  /** Workers at most; a task beyond that waits its turn on the least busy one. Default: no limit. */
  maxWorkers?: number;
  /** Idle workers kept for the next task (starting one costs tens of ms). Default 0: each task's worker stops. */
  keepIdle?: number;
  /** Idle workers stop after this long without a task. Default: kept until shutdown. */
  idleMs?: number;
  /** For messages: "<name> worker exited…". Default: the module's file name. */
  name?: string;
}

interface Task {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onProgress?: (done: number, total: number | null) => void;
  cancelled: boolean;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
  stopping: boolean;
}

const pools = new Map<string, WorkerPool<unknown, unknown>>();

export class WorkerPool<I, R> {
  private slots: (Slot | null)[] = [];
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly file: URL;
  private readonly name: string;

  constructor(
    url: URL,
    private readonly options: PoolOptions = {},
  ) {
    this.file = sourceOf(url);
    this.name = options.name ?? path.basename(fileURLToPath(url)).replace(/\.[jt]s$/, '');
  }

  run(input: I, opts: TaskOptions = {}): Promise<R> {
    if (opts.signal?.aborted) return Promise.reject(new StrataError('CANCELLED', 'cancelled'));
    this.touch();
    const slot = this.pick(opts.worker);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => {
        task.cancelled = true;
        void this.stop(slot);
      };
      const forget = () => opts.signal?.removeEventListener('abort', onAbort);
      const task: Task = {
        resolve: (value) => {
          forget();
          resolve(value as R);
        },
        reject: (err) => {
          forget();
          reject(err);
        },
        onProgress: opts.onProgress,
        cancelled: false,
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      slot.tasks.set(id, task);
      // Referenced while it owes an answer, so a CLI awaiting it does not exit first.
      slot.worker.ref();
      slot.worker.postMessage({ id, input } satisfies Request);
    });
  }

  /** Starts this many workers now, so the first tasks find them warm. */
  prestart(count: number): void {
    for (let i = 0; i < count; i++) this.slotAt(i);
  }

  /** Stops every worker, busy or idle (busy tasks reject), and resolves once all have stopped. */
  async shutdown(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const slots = this.slots.filter((s): s is Slot => s !== null);
    this.slots = [];
    await Promise.all(slots.map((s) => this.stop(s)));
  }

  private pick(index: number | undefined): Slot {
    if (index !== undefined) return this.slotAt(index);
    const live = this.slots.filter((s): s is Slot => s !== null && !s.stopping);
    const idle = live.find((s) => s.tasks.size === 0);
    if (idle) return idle;
    const free = this.slots.findIndex((s) => s === null);
    const at = free >= 0 ? free : this.slots.length;
    if (at < (this.options.maxWorkers ?? Infinity)) return this.slotAt(at);
    return live.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
  }

  private slotAt(i: number): Slot {
    const existing = this.slots[i];
    if (existing && !existing.stopping) return existing;
    const worker = startWorker(this.file);
    const slot: Slot = { worker, tasks: new Map(), stopping: false };
    this.slots[i] = slot;
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(slot, reply));
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) =>
      this.fail(slot, new Error(`${this.name} worker exited with code ${code} before answering`)),
    );
    return slot;
  }

  private answer(slot: Slot, reply: Reply): void {
    const task = slot.tasks.get(reply.id);
    if (!task || task.cancelled) return;
    if (reply.type === 'progress') {
      task.onProgress?.(reply.done, reply.total);
      return;
    }
    slot.tasks.delete(reply.id);
    if (reply.type === 'result') task.resolve(reply.value);
    else {
      const e = reply.error;
      task.reject(
        isStrataErrorData(e)
          ? new StrataError(e.code, e.message, { where: e.where as StrataError['where'] })
          : new Error(e.message),
      );
    }
    if (slot.tasks.size === 0) this.idle(slot);
  }

  /** A worker that has stopped or broken: its tasks fail (a cancelled one as CANCELLED) and its place frees. */
  private fail(slot: Slot, err: Error): void {
    for (const task of slot.tasks.values())
      task.reject(task.cancelled ? new StrataError('CANCELLED', 'cancelled') : err);
    slot.tasks.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = null;
    if (!slot.stopping) {
      slot.stopping = true;
      void slot.worker.terminate();
    }
  }

  private idle(slot: Slot): void {
    slot.worker.unref();
    const idle = this.slots.filter((s) => s !== null && !s.stopping && s.tasks.size === 0).length;
    if (idle > (this.options.keepIdle ?? 0)) void this.stop(slot);
  }

  private async stop(slot: Slot): Promise<void> {
    slot.stopping = true;
    await slot.worker.terminate();
  }

  private touch(): void {
    if (this.options.idleMs === undefined) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const s of this.slots) if (s && s.tasks.size === 0) void this.stop(s);
    }, this.options.idleMs);
    this.idleTimer.unref();
  }
}

/** The pool of one worker module; the first caller's options make it. */
export function workerPool<I, R>(url: URL, options: PoolOptions = {}): WorkerPool<I, R> {
  let pool = pools.get(url.href);
  if (!pool) {
    pool = new WorkerPool(url, options);
    pools.set(url.href, pool);
  }
  return pool as WorkerPool<I, R>;
}

/** One task on the module's pool: by default its worker stops when it has answered. */
export function runWorker<I, R>(url: URL, input: I, opts: TaskOptions = {}): Promise<R> {
  return workerPool<I, R>(url).run(input, opts);
}

/** The host is quitting: every worker of every pool stops; resolves once they have. */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.shutdown()));
}

/** Inside a worker: answers each task with fn's result, its progress, or its error. */
export function serveWorker<I, R>(
  fn: (input: I, progress: (done: number, total: number | null) => void) => R | Promise<R>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker called outside a worker thread');
  port.on('message', ({ id, input }: Request) => {
    const progress = (done: number, total: number | null) =>
      port.postMessage({ id, type: 'progress', done, total } satisfies Reply);
    Promise.resolve()
      .then(() => fn(input as I, progress))
      .then(
        (value) => port.postMessage({ id, type: 'result', value } satisfies Reply),
        (err: unknown) => {
          const e = err as { code?: string; message?: string; where?: unknown };
          port.postMessage({
            id,
            type: 'error',
            error: { code: e.code, message: e.message ?? String(err), where: e.where },
          } satisfies Reply);
        },
      );
  });
}

/** Run from TypeScript sources (tests, tsx), a worker is the .ts file next to the .js name it was given. */
function sourceOf(url: URL): URL {
  if (import.meta.url.endsWith('.ts') && url.pathname.endsWith('.js'))
    return new URL(url.href.replace(/\.js$/, '.ts'));
  return url;
}

/** Loader hooks do not reach worker threads on Node 20, so a TypeScript worker registers tsx itself. */
function startWorker(file: URL): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`,
    { eval: true },
  );
}
