import { Worker, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { StrataError, isStrataErrorData } from '../../../shared/errors.js';

export type WorkerMessage<R> =
  | { type: 'progress'; done: number; total: number | null }
  | { type: 'result'; value: R }
  | { type: 'error'; error: { code?: string; message: string } };

export interface RunWorkerOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | null) => void;
}

/**
 * Runs a worker module (a URL next to the caller, e.g. new URL('./scan-worker.js', import.meta.url))
 * with one input, and resolves with its one result. When the engine runs from TypeScript sources
 * (tests, tsx), the worker is started through tsx so the same file works in both forms.
 */
export function runWorker<I, R>(url: URL, input: I, opts: RunWorkerOptions = {}): Promise<R> {
  const file = resolveWorkerFile(url);
  return new Promise<R>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new StrataError('CANCELLED', 'cancelled'));
      return;
    }
    const worker = file.pathname.endsWith('.ts')
      ? tsWorker(file, input)
      : new Worker(file, { workerData: input });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    let aborted = false;
    // Settled only once the thread has stopped (its 'exit'), so a cancelled job leaves no writer behind.
    const onAbort = () => {
      aborted = true;
      void worker.terminate();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage<R>) => {
      if (aborted) return;
      if (msg.type === 'progress') opts.onProgress?.(msg.done, msg.total);
      else if (msg.type === 'result') settle(() => resolve(msg.value));
      else
        settle(() =>
          reject(
            isStrataErrorData(msg.error)
              ? new StrataError(msg.error.code, msg.error.message)
              : new Error(msg.error.message),
          ),
        );
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          aborted
            ? new StrataError('CANCELLED', 'cancelled')
            : new Error(`worker ${fileURLToPath(file)} exited with code ${code} before answering`),
        ),
      ),
    );
  });
}

/** Loader hooks do not reach worker threads on Node 20, so a TypeScript worker registers tsx itself. */
function tsWorker(file: URL, input: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(code, { eval: true, workerData: input });
}

function resolveWorkerFile(url: URL): URL {
  if (import.meta.url.endsWith('.ts') && url.pathname.endsWith('.js')) {
    return new URL(url.href.replace(/\.js$/, '.ts'));
  }
  return url;
}

/** Inside a worker: runs fn on the input and posts its result, its progress, or its error. */
export function serveWorker<I, R>(
  fn: (input: I, progress: (done: number, total: number | null) => void) => R | Promise<R>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker called outside a worker thread');
  const progress = (done: number, total: number | null) =>
    port.postMessage({ type: 'progress', done, total });
  Promise.resolve()
    .then(() => fn(workerData as I, progress))
    .then(
      (value) => port.postMessage({ type: 'result', value }),
      (err: unknown) => {
        const e = err as { code?: string; message?: string };
        port.postMessage({ type: 'error', error: { code: e.code, message: e.message ?? String(err) } });
      },
    );
}
