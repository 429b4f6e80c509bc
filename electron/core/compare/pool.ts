import { workerPool } from '../jobs/worker.js';
import type { CompareTask } from './compare-worker.js';

/** Two workers: a machine has at least two cores, and a compare of many series splits across both. */
const SIZE = 2;

/**
 * Reading the runs table or a hundred long series takes tens to hundreds of milliseconds, so it runs
 * off the event loop that serves the UI; and starting a worker (and opening the database) costs as
 * much again, so the two workers stay up between calls, and go after 30 s without one so that a host
 * that stops comparing gives their memory and connections back.
 */
const pool = workerPool<CompareTask, unknown>(new URL('./compare-worker.js', import.meta.url), {
  maxWorkers: SIZE,
  keepIdle: SIZE,
  idleMs: 30_000,
  name: 'compare',
});

export const comparePool = {
  /** On `worker` when given: the first one keeps the last runs table it read. */
  run<R>(task: CompareTask, worker?: number): Promise<R> {
    // Start both on first use: the next call (series after the table) finds them warm.
    pool.prestart(SIZE);
    return pool.run(task, { worker }) as Promise<R>;
  },

  /** Splits the runs across the workers and keeps the order of the request. */
  async split<R>(runIds: string[], make: (ids: string[]) => CompareTask): Promise<R[]> {
    const half = Math.ceil(runIds.length / SIZE);
    const parts = Array.from({ length: SIZE }, (_, i) => runIds.slice(i * half, (i + 1) * half)).filter(
      (p) => p.length > 0,
    );
    const results = await Promise.all(parts.map((ids, i) => this.run<R[]>(make(ids), i)));
    return results.flat();
  },
};
