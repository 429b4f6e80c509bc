import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { WorkerPool } from '../../electron/core/jobs/worker.js';
import { StrataError } from '../../shared/errors.js';
import { repoRoot } from '../helpers/cli.js';

type In = { op: 'echo' | 'fail' | 'spin' | 'progress'; value?: number };
type Out = { thread: number; value?: number };
const url = new URL('../fixtures/workers/echo-worker.js', import.meta.url);
const pools: WorkerPool<In, Out>[] = [];
function pool(options: ConstructorParameters<typeof WorkerPool>[1] = {}): WorkerPool<In, Out> {
  const p = new WorkerPool<In, Out>(url, options);
  pools.push(p);
  return p;
}
afterAll(() => Promise.all(pools.map((p) => p.shutdown())));

describe('the worker pool (the one way the engine runs worker threads)', () => {
  it('answers tasks with their progress, keeps idle workers as asked, and pins a task to a worker', async () => {
    const kept = pool({ keepIdle: 1 });
    const seen: number[] = [];
    const first = await kept.run({ op: 'progress', value: 7 }, { onProgress: (d) => seen.push(d) });
    expect(first.value).toBe(7);
    expect(seen).toEqual([1, 2, 3]);
    expect((await kept.run({ op: 'echo' })).thread).toBe(first.thread);
    const fresh = pool();
    const a = await fresh.run({ op: 'echo' });
    expect((await fresh.run({ op: 'echo' })).thread).not.toBe(a.thread);
    const pinned = pool({ maxWorkers: 2, keepIdle: 2 });
    const [x, y] = await Promise.all([
      pinned.run({ op: 'echo' }, { worker: 0 }),
      pinned.run({ op: 'echo' }, { worker: 1 }),
    ]);
    expect(x.thread).not.toBe(y.thread);
    expect((await pinned.run({ op: 'echo' }, { worker: 1 })).thread).toBe(y.thread);
  });

  it('rejects with the worker’s StrataError, place included', async () => {
    const err = await pool()
      .run({ op: 'fail' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', where: { file: 'x.yaml', line: 2 } });
  });

  it('stops a busy worker on abort (CANCELLED) and on shutdown', async () => {
    const p = pool();
    const controller = new AbortController();
    let progressed = false;
    const spinning = p.run(
      { op: 'spin' },
      { signal: controller.signal, onProgress: () => (progressed = true) },
    );
    while (!progressed) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await spinning.catch((e: unknown) => e)).toMatchObject({ code: 'CANCELLED' });
    progressed = false;
    const again = p
      .run({ op: 'spin' }, { onProgress: () => (progressed = true) })
      .catch((e: Error) => e.message);
    while (!progressed) await new Promise((r) => setTimeout(r, 5));
    await p.shutdown();
    expect(await again).toMatch(/echo-worker worker exited/);
  });

  it('is the only place that starts a worker thread', () => {
    const r = spawnSync('git', ['grep', '-l', 'new Worker(', '--', 'electron'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.stdout.trim().split('\n')).toEqual(['electron/core/jobs/worker.ts']);
  });
});
