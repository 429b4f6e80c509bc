import { parentPort } from 'node:worker_threads';
import { hashTree, type HashTreeInput } from './hash-tree.js';

/** A long-lived hashing worker: one job at a time, posted by hash-pool.ts. */
const port = parentPort;
if (!port) throw new Error('hash-pool-worker must run in a worker thread');
port.on('message', async (input: HashTreeInput) => {
  try {
    const value = await hashTree(input, (done, total) => port.postMessage({ type: 'progress', done, total }));
    port.postMessage({ type: 'result', value });
  } catch (err) {
    const e = err as { code?: string; message?: string; where?: unknown };
    port.postMessage({
      type: 'error',
      error: { code: e.code, message: e.message ?? String(err), where: e.where },
    });
  }
});
