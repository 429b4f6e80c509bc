import { parentPort } from 'node:worker_threads';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { explainFsError } from '../project/project.js';
import { hashTree, type HashTreeInput } from './hash-tree.js';

/** A long-lived hashing worker: one job at a time, posted by hash-pool.ts. */
const port = parentPort;
if (!port) throw new Error('hash-pool-worker must run in a worker thread');
port.on('message', async (input: HashTreeInput) => {
  try {
    const value = await hashTree(input, (done, total) => port.postMessage({ type: 'progress', done, total }));
    port.postMessage({ type: 'result', value });
  } catch (caught) {
    // A file-system error nothing explained yet (a failing disk) still reaches the caller as one.
    const err =
      caught instanceof StrataError
        ? caught
        : explainFsError(
            caught,
            'Cannot version',
            (caught as { path?: string }).path ?? path.join(input.root, input.rel),
          );
    const e = err as { code?: string; message?: string; where?: unknown };
    port.postMessage({
      type: 'error',
      error: { code: e.code, message: e.message ?? String(err), where: e.where },
    });
  }
});
