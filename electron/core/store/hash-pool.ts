import { Worker } from 'node:worker_threads';
import { StrataError, isStrataErrorData } from '../../../shared/errors.js';
import type { HashTreeInput, HashTreeResult } from './hash-tree.js';

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const FILE = new URL(FROM_SOURCES ? './hash-pool-worker.ts' : './hash-pool-worker.js', import.meta.url);
const KEEP_IDLE = 4;

type Msg =
  | { type: 'progress'; done: number; total: number | null }
  | { type: 'result'; value: HashTreeResult }
  | { type: 'error'; error: { code?: string; message: string; where?: never } };

const idle: Worker[] = [];
/** Workers hashing now: a host that quits stops them too, not only the idle ones. */
const busy = new Set<Worker>();

function spawn(): Worker {
  if (!FROM_SOURCES) return new Worker(FILE);
  // Loader hooks do not reach worker threads on Node 20: a TypeScript worker registers tsx itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(FILE.href)}); })`,
    { eval: true },
  );
}

/**
 * Runs hashTree in a pooled worker thread. Starting a worker costs tens of milliseconds (more
 * than re-checking a large unchanged folder through the stat cache), so finished workers are kept,
 * unref'd so that they never hold a process open.
 */
export function runHash(
  input: HashTreeInput,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void } = {},
): Promise<HashTreeResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new StrataError('CANCELLED', 'cancelled'));
      return;
    }
    const worker = idle.pop() ?? spawn();
    busy.add(worker);
    worker.ref();
    const cleanup = () => {
      busy.delete(worker);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const release = () => {
      cleanup();
      worker.unref();
      if (idle.length < KEEP_IDLE) idle.push(worker);
      else void worker.terminate();
    };
    const onMessage = (msg: Msg) => {
      if (msg.type === 'progress') opts.onProgress?.(msg.done, msg.total);
      else if (msg.type === 'result') {
        release();
        resolve(msg.value);
      } else {
        release();
        const e = msg.error;
        reject(
          isStrataErrorData(e)
            ? new StrataError(e.code, e.message, { where: e.where })
            : new Error(e.message),
        );
      }
    };
    const onError = (err: Error) => {
      cleanup();
      void worker.terminate();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`hash worker exited with code ${code} before answering`));
    };
    const onAbort = () => {
      cleanup();
      void worker.terminate();
      reject(new StrataError('CANCELLED', 'cancelled'));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(input);
  });
}

/**
 * The host is quitting: every worker stops, idle or hashing, and this resolves once they have. A
 * hash stopped midway leaves at most a temp file, which the next start removes; its caller gets an
 * error. Jobs are cancelled before this, so normally nothing is hashing any more.
 */
export async function drainHashPool(): Promise<void> {
  const all = [...idle.splice(0), ...busy];
  await Promise.all(all.map((w) => w.terminate()));
}
