import { workerPool, type TaskOptions } from '../jobs/worker.js';
import type { HashTreeInput, HashTreeResult } from './hash-tree.js';

/**
 * hashTree runs in pooled worker threads, one task each. Starting a worker costs tens of
 * milliseconds (more than re-checking a large unchanged folder through the stat cache), so up to
 * four finished workers are kept for the next add, unreferenced so they never hold a process open.
 */
const hashPool = workerPool<HashTreeInput, HashTreeResult>(
  new URL('./hash-pool-worker.js', import.meta.url),
  {
    keepIdle: 4,
    name: 'hash',
  },
);

export function runHash(
  input: HashTreeInput,
  opts: Pick<TaskOptions, 'signal' | 'onProgress'> = {},
): Promise<HashTreeResult> {
  return hashPool.run(input, opts);
}
