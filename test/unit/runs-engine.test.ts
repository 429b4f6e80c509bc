import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { controllerFor } from '../../electron/core/pipeline/controller.js';
import { recordVersion } from '../../electron/core/store/api.js';
import type { RunSummary } from '../../shared/api/index.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from './runs-fixture.js';

let engine: Engine | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  if (engine?.project) await controllerFor(engine.project, engine).idle();
  engine?.dispose();
  engine = null;
  cleanup?.();
  cleanup = null;
});

function open(
  config: string,
  files: Record<string, string>,
): { e: Engine; dir: string; updates: RunSummary[]; logs: string[] } {
  const t = tempDir('strata-engine-runs-');
  cleanup = t.cleanup;
  fs.writeFileSync(path.join(t.dir, 'strata.yaml'), config);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), text);
  }
  const e = new Engine();
  engine = e;
  const updates: RunSummary[] = [];
  const logs: string[] = [];
  e.subscribe((event, payload) => {
    if (event === 'run.update') updates.push(payload as RunSummary);
    if (event === 'run.log') logs.push((payload as { text: string }).text);
  });
  e.openProject(t.dir);
  return { e, dir: t.dir, updates, logs };
}

const finished = (updates: RunSummary[], id: string) =>
  updates.find((u) => u.id === id && u.status !== 'running');

describe('pipelines through the engine', () => {
  it('reports stage states, runs as a job with live events, refuses a second run, and serves the series', async () => {
    const { e, updates, logs } = open(
      'stages:\n  count:\n    cmd: "node count.mjs"\n    deps: [count.mjs]\n    outs: [out.txt]\n',
      {
        'count.mjs': `import fs from 'node:fs';
const s = await import(process.env.STRATA_NODE_CLIENT);
for (let i = 0; i < 3000; i++) s.logMetric('x', i * 2, i);
await new Promise((r) => setTimeout(r, 300));
console.log('counted');
fs.writeFileSync('out.txt', 'ok');`,
      },
    );
    const before = await e.invoke('pipelines.status', {});
    expect(before.stages).toMatchObject([
      { stage: 'count', state: 'stale', run: true, reason: 'never run successfully before' },
    ]);
    const { runId } = await e.invoke('pipelines.run', { stages: [], force: false, dry: false });
    expect(runId).toBeTruthy();
    await expect(e.invoke('pipelines.run', { stages: [], force: false, dry: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const job = e.jobs.list().find((j) => j.label.includes(runId!));
    expect(job).toMatchObject({ unit: 'stages', total: 1 });
    const end = await waitFor(() => finished(updates, runId!), 60000);
    expect(end.status).toBe('done');
    expect(logs.join('')).toContain('counted');
    await waitFor(() => e.jobs.list().find((j) => j.label.includes(runId!))?.state === 'done');
    const after = await e.invoke('pipelines.status', {});
    expect(after.stages[0]).toMatchObject({ state: 'fresh', run: false });
    const [series] = await e.invoke('metrics.series', { runIds: [runId!], key: 'x', points: 100, x: 'step' });
    expect(series.total).toBe(3000);
    expect(series.xs).toHaveLength(100);
    expect(series.mins[0]).toBe(0);
    expect(series.maxs[99]).toBe(5998);
    const detail = await e.invoke('runs.update', { id: runId!, note: 'looks right', setTags: { keep: '' } });
    expect(detail).toMatchObject({ note: 'looks right', tags: { keep: '' } });
    expect((await e.invoke('runs.list', { tag: 'keep', limit: 10 })).map((r) => r.id)).toEqual([runId]);
    expect(await e.invoke('runs.list', { status: 'failed', limit: 10 })).toEqual([]);
  }, 120000);

  it('re-runs auto_run stages when a dataset they read gets a new version, coalescing triggers', async () => {
    const { e, dir, updates } = open(
      `artifacts:
  data: { path: data.csv, kind: dataset }
stages:
  copy:
    cmd: "cp data.csv copy.csv"
    deps: [data.csv]
    outs: [copy.csv]
    auto_run: true
  manual:
    cmd: "cp data.csv other.csv"
    deps: [data.csv]
    outs: [other.csv]
`,
      { 'data.csv': 'a\n1\n' },
    );
    const project = e.project!;
    fs.writeFileSync(path.join(dir, 'data.csv'), 'a\n1\n2\n');
    await recordVersion(project, { path: 'data.csv', source: 'watch' });
    const first = await waitFor(() => updates.find((u) => u.status === 'done'), 60000);
    expect(first.name).toBe('auto: copy');
    expect(first.stages.map((s) => s.stage)).toEqual(['copy']);
    expect(fs.readFileSync(path.join(dir, 'copy.csv'), 'utf8')).toBe('a\n1\n2\n');
    expect(fs.existsSync(path.join(dir, 'other.csv'))).toBe(false);

    // While a run goes, three triggers become one run afterwards. That run finds copy up to date, so
    // it is dropped: announced as removed, not listed.
    const removed: string[] = [];
    e.subscribe((event, payload) => {
      if (event === 'run.removed') removed.push((payload as { run: { name: string } }).run.name);
    });
    const c = controllerFor(project, e);
    c.run({ stages: ['manual'] });
    c.trigger(['copy']);
    c.trigger(['copy']);
    c.trigger(['copy']);
    await waitFor(() => removed.length === 1, 60000);
    await c.idle();
    expect(removed).toEqual(['auto: copy']);
    expect(project.db.prepare('SELECT name FROM runs ORDER BY started_at').pluck().all()).toEqual([
      'auto: copy',
      expect.stringMatching(/^manual /),
    ]);
  }, 120000);
});

describe('closing the project under a run', () => {
  it('stops the step, records the run as cancelled, and crashes nothing', async () => {
    const { e, dir } = open(
      'stages:\n  forever:\n    cmd: "echo up; sleep 300 & echo $! > sleeper.pid; wait"\n',
      {},
    );
    const { runId } = await e.invoke('pipelines.run', { stages: [], force: false, dry: false });
    const sleeper = await waitFor(() => {
      try {
        return Number(fs.readFileSync(path.join(dir, 'sleeper.pid'), 'utf8')) || null;
      } catch {
        return null;
      }
    });
    e.closeProject();
    await waitFor(() => {
      try {
        process.kill(sleeper, 0);
        return false;
      } catch {
        return true;
      }
    }, 10000);
    // Give the runner's timers a chance to fire against the closed database.
    await new Promise((r) => setTimeout(r, 500));
    e.openProject(dir);
    const run = await e.invoke('runs.get', { id: runId! });
    expect(run.status).toBe('cancelled');
    expect(run.error).toBe('the project was closed while the run was going');
    expect(run.stages[0].status).toBe('cancelled');
  }, 60000);
});
