import { Worker } from 'node:worker_threads';
import { StrataError, isStrataErrorData } from '../../../shared/errors.js';
import type { CompareReply, CompareTask } from './compare-worker.js';

/** Two workers: a machine has at least two cores, and a compare of many series splits across both. */
const SIZE = 2;
/** Idle workers go away, so a host that stops comparing gives their memory and connections back. */
const IDLE_MS = 30_000;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
}

/**
 * Reading the runs table or a hundred long series takes tens to hundreds of milliseconds, so it runs
 * off the event loop that serves the UI; and starting a worker (and opening the database) costs as
 * much again, so the workers stay up between calls instead of one per call as with runWorker.
 */
class ComparePool {
  // An idle worker is unreferenced: it must never keep the CLI or a test process alive.
  private slots: (Slot | null)[] = new Array(SIZE).fill(null);
  private nextId = 1;
  private turn = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;

  run<R>(task: CompareTask, slotIndex = this.turn++ % SIZE): Promise<R> {
    this.touch();
    // Start every worker on first use: the next call (series after the table) finds them warm.
    for (let i = 0; i < SIZE; i++) this.slot(i);
    const slot = this.slot(slotIndex);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Referenced while it owes an answer, so a CLI awaiting it does not exit first.
      slot.worker.ref();
      slot.worker.postMessage({ id, task });
    });
  }

  /** Splits the runs across the workers and keeps the order of the request. */
  async split<R>(runIds: string[], make: (ids: string[]) => CompareTask): Promise<R[]> {
    const half = Math.ceil(runIds.length / SIZE);
    const parts = Array.from({ length: SIZE }, (_, i) => runIds.slice(i * half, (i + 1) * half)).filter(
      (p) => p.length > 0,
    );
    const results = await Promise.all(parts.map((ids, i) => this.run<R[]>(make(ids), i)));
    return results.flat();
  }

  private slot(i: number): Slot {
    const existing = this.slots[i];
    if (existing) return existing;
    const worker = startWorker(new URL('./compare-worker.js', import.meta.url));
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (this.slots[i] === slot) this.slots[i] = null;
    };
    worker.on('message', (reply: CompareReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (reply.ok) p.resolve(reply.value);
      else
        p.reject(
          isStrataErrorData(reply.error)
            ? new StrataError(reply.error.code, reply.error.message)
            : new Error(reply.error.message),
        );
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the compare worker stopped (exit code ${code})`)));
    this.slots[i] = slot;
    return slot;
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), IDLE_MS);
    this.idle.unref();
  }

  close(): void {
    for (const s of this.slots) if (s && s.pending.size === 0) void s.worker.terminate();
    this.slots = this.slots.map((s) => (s && s.pending.size > 0 ? s : null));
  }

  /** The host is quitting: every worker stops, busy or not (their callers get an error); resolves once they have. */
  async shutdown(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const slots = this.slots.filter((s): s is Slot => s !== null);
    this.slots = new Array(SIZE).fill(null);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** Under tsx (tests, scripts) the worker is the .ts file, and Node 20 workers need tsx registered by hand. */
function startWorker(url: URL): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(url);
  const file = new URL(url.href.replace(/\.js$/, '.ts'));
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`,
    { eval: true },
  );
}

export const comparePool = new ComparePool();
