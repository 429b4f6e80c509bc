// The CT loop on real projects: the watcher versions real files, stages run as child processes,
// and approval and a killed `strata ct watch` go through real CLI processes.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { startWatching } from '../../electron/core/watch/service.js';
import { ctService } from '../../electron/core/ct/service.js';
import { ctLoopFor } from '../../electron/core/ct/loop.js';
import { startMonitoring } from '../../electron/core/drift/watch.js';
import { normals } from '../helpers/drift-data.js';
import type { CtCycle } from '../../shared/api/ct.js';
import { repoRoot, runCli, runCliAsync, tempDir } from '../helpers/cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// train.mjs: a model naming how many files it saw; its accuracy comes from acc.txt, and it sleeps
// for the milliseconds in sleep.txt (a long step to cancel or kill).
const TRAIN = `import fs from 'node:fs';
const files = fs.readdirSync('data/raw').length;
await new Promise((r) => setTimeout(r, Number(fs.readFileSync('sleep.txt', 'utf8'))));
const accuracy = Number(fs.readFileSync('acc.txt', 'utf8'));
fs.writeFileSync('model.json', JSON.stringify({ files, accuracy }));
fs.writeFileSync('metrics.json', JSON.stringify({ accuracy }));
`;

function project(ct: string, extra = ''): string {
  const t = tempDir('strata-ct-');
  cleanups.push(t.cleanup);
  const root = t.dir;
  fs.mkdirSync(path.join(root, 'data/raw'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data/raw/a.csv'), 'x\n1\n');
  fs.writeFileSync(path.join(root, 'train.mjs'), TRAIN);
  fs.writeFileSync(path.join(root, 'acc.txt'), '0.9');
  fs.writeFileSync(path.join(root, 'sleep.txt'), '0');
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:
  raw: { path: data/raw, kind: dataset, watch: true }
  model: { path: model.json, kind: model }
stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs, data/raw, acc.txt, sleep.txt]
    outs: [model.json]
    metrics: [metrics.json]
validations:
  raw:
    rules:
      - { column: x, min: 0 }
gates:
  model:
    - { metric: accuracy, min: 0.5 }
${extra}ct:
${ct}`,
  );
  return root;
}

async function open(root: string): Promise<Engine> {
  const engine = new Engine({
    services: [(p, e) => startWatching(p, e, { settleMs: 200 }), ctService],
    rememberRecent: false,
  });
  cleanups.push(() => engine.shutdown());
  engine.openProject(root);
  return engine;
}

const cycles = (engine: Engine) => engine.invoke('ct.cycles', { limit: 1000 });

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 60000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ended = (c: CtCycle) => !['running', 'waiting'].includes(c.status);
const champion = async (engine: Engine) =>
  (await engine.invoke('artifacts.versions', { artifact: 'model' })).aliasHistory
    .filter((a) => a.alias === 'champion')
    .sort((a, b) => b.at.localeCompare(a.at));

/** The watcher versions the data it finds on open: that first cycle makes the first champion. */
async function firstChampion(engine: Engine): Promise<CtCycle> {
  const c = await until('the first cycle', async () => {
    const [first] = await cycles(engine);
    return first && ended(first) ? first : null;
  });
  expect(c.status, c.outcome ?? '').toBe('succeeded');
  await settledLoop(engine, 1000);
  return c;
}

async function settledLoop(engine: Engine, quietMs = 2500): Promise<void> {
  const loop = ctLoopFor(engine.requireProject(), engine);
  for (;;) {
    await loop.idle();
    const before = (await cycles(engine)).length;
    await new Promise((r) => setTimeout(r, quietMs));
    await loop.idle();
    if ((await cycles(engine)).length === before && loop.status().pending.length === 0) return;
  }
}

const POLICY = `  datasets: [raw]
  model: model
  promote: champion
`;

describe('the CT loop', () => {
  it('answers 1,000 files dropped at once with one cycle that validates, retrains, gates and promotes', async () => {
    const root = project(POLICY);
    const engine = await open(root);
    await firstChampion(engine);
    for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(root, 'data/raw', `f${i}.csv`), `x\n${i}\n`);
    await until('a cycle from the drop', async () => (await cycles(engine)).length === 2);
    await settledLoop(engine);
    const all = await cycles(engine);
    expect(all).toHaveLength(2);
    const [c] = all;
    expect(c).toMatchObject({ trigger: 'dataset', status: 'succeeded', model: 'model', version: 2 });
    expect(c.steps.map((s) => [s.name, s.status])).toEqual([
      ['validate', 'passed'],
      ['run', 'passed'],
      ['evaluate', 'passed'],
      ['gates', 'passed'],
      ['promote', 'passed'],
    ]);
    expect(c.steps[0].links.validation?.length).toBe(1);
    expect(c.steps[2].metrics).toEqual({ accuracy: 0.9 });
    expect(c.steps[4].links.alias).toEqual({ name: 'champion', from: 1, to: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(root, 'model.json'), 'utf8'))).toEqual({
      files: 1001,
      accuracy: 0.9,
    });
    expect((await champion(engine))[0].version).toBe(2);
    const history = await engine.invoke('ct.champions', {});
    expect(history[0]).toMatchObject({
      version: 2,
      cycle: c.id,
      data: ['raw@2'],
      metrics: { accuracy: 0.9 },
    });
  }, 120000);

  it('coalesces the triggers that arrive during a cycle into one more cycle', async () => {
    const root = project(POLICY);
    fs.writeFileSync(path.join(root, 'sleep.txt'), '15000');
    const engine = await open(root);
    // once train's process runs, the run has read data/raw: what is written now is new data
    await until('the first train stage running', async () => {
      const runId = (await cycles(engine))[0]?.steps[1].links.runId;
      const run = runId ? await engine.invoke('runs.get', { id: runId }) : null;
      return run?.stages.find((x) => x.stage === 'train')?.status === 'running';
    });
    for (const name of ['b', 'c', 'd']) {
      fs.writeFileSync(path.join(root, 'data/raw', `${name}.csv`), 'x\n5\n');
      const { jobId } = await engine.invoke('artifacts.add', { path: 'data/raw' });
      await engine.invoke('jobs.wait', { id: jobId });
      await new Promise((r) => setTimeout(r, 300));
    }
    // versions the first cycle's run recorded of what it read are its own, not triggers
    const arrived = (await engine.invoke('artifacts.versions', { artifact: 'raw' })).versions.filter(
      (v) => v.source !== 'run',
    );
    expect(arrived.length).toBe(4);
    // all three arrived while the first cycle was still running
    expect((await cycles(engine)).map((c) => [c.id, c.status])).toEqual([[1, 'running']]);
    await settledLoop(engine);
    const all = await cycles(engine);
    expect(all).toHaveLength(2);
    expect(all[1].status).toBe('succeeded');
    // whether the second finds work depends on what the first run's hashes of data/raw saw
    expect(['succeeded', 'unchanged']).toContain(all[0].status);
    expect(all[0].triggers.map((t) => t.detail)).toEqual(
      arrived
        .slice(0, 3)
        .reverse()
        .map((v) => `raw@${v.number}`),
    );
  }, 120000);

  it('does not re-trigger on its own outputs, and holds triggers beyond max_cycles_per_hour', async () => {
    // feat is written by the prep stage: its new versions are the cycle's own output.
    const root = project(
      `  datasets: [raw, feat]
  max_cycles_per_hour: 2
`,
    );
    const yaml = fs
      .readFileSync(path.join(root, 'strata.yaml'), 'utf8')
      .replace(
        'stages:\n',
        `stages:
  prep:
    cmd: node -e "require('fs').mkdirSync('data/feat',{recursive:true});require('fs').writeFileSync('data/feat/f.csv', String(Date.now()))"
    deps: [data/raw]
    outs: [data/feat]
    always_changed: true
`,
      )
      .replace('artifacts:\n', 'artifacts:\n  feat: { path: data/feat, kind: dataset, watch: true }\n');
    fs.writeFileSync(path.join(root, 'strata.yaml'), yaml);
    const engine = await open(root);
    await until('the first cycle', async () => (await cycles(engine)).length === 1);
    await settledLoop(engine);
    expect((await cycles(engine)).map((c) => c.status)).toEqual(['succeeded']);
    // a second drop makes a second cycle; the third waits for the hour
    fs.writeFileSync(path.join(root, 'data/raw/c.csv'), 'x\n3\n');
    await until('the second cycle', async () => (await cycles(engine)).length === 2);
    await ctLoopFor(engine.requireProject(), engine).idle();
    fs.writeFileSync(path.join(root, 'data/raw/d.csv'), 'x\n4\n');
    const status = await until('a held trigger', async () => {
      const s = await engine.invoke('ct.status', {});
      return s.pending.length ? s : null;
    });
    expect(status.cyclesLastHour).toBe(2);
    expect(status.pending[0]).toMatchObject({ kind: 'dataset', detail: 'raw@3' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await cycles(engine)).toHaveLength(2);
  }, 120000);

  it('waits for approval before promoting: `strata ct approve` from another process promotes, reject leaves the champion', async () => {
    const root = project(POLICY + '  approval: promote\n');
    const engine = await open(root);
    const first = { cycleId: 1 };
    const waiting = await until('the approval step', async () => {
      const c = (await cycles(engine)).find((x) => x.id === first.cycleId);
      return c?.status === 'waiting' ? c : null;
    });
    expect(waiting.step).toBe('approval');
    expect(await champion(engine)).toEqual([]);
    const r = await runCliAsync(['ct', 'approve', String(first.cycleId), '--who', 'ana', '--project', root]);
    expect(r.code, r.stderr).toBe(0);
    await ctLoopFor(engine.requireProject(), engine).idle();
    const approved = await engine.invoke('ct.cycle', { id: first.cycleId });
    expect(approved).toMatchObject({ status: 'succeeded', decidedBy: 'ana' });
    expect((await champion(engine))[0].version).toBe(1);

    fs.writeFileSync(path.join(root, 'acc.txt'), '0.95');
    const second = await engine.invoke('ct.run', { who: 'test' });
    await until(
      'the second approval',
      async () => (await engine.invoke('ct.cycle', { id: second.cycleId })).status === 'waiting',
    );
    const again = runCli(['ct', 'reject', String(second.cycleId), '--project', root, '--json']);
    expect(again.code, again.stderr).toBe(0);
    await ctLoopFor(engine.requireProject(), engine).idle();
    const rejected = await engine.invoke('ct.cycle', { id: second.cycleId });
    expect(rejected.status).toBe('rejected');
    // The jobs tray says so: the job ends as done (a decision, not a failure), labelled rejected.
    const job = await engine.invoke('jobs.wait', { id: second.jobId });
    expect(job).toMatchObject({ state: 'done', label: `CT cycle ${second.cycleId}: rejected` });
    expect(rejected.steps.find((s) => s.name === 'promote')?.status).toBe('skipped');
    expect((await champion(engine)).map((c) => c.version)).toEqual([1]);
    const twice = runCli(['ct', 'approve', String(second.cycleId), '--project', root]);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('not waiting for approval');
  }, 120000);

  it('stops at a failing validation: nothing runs, the champion stays', async () => {
    const root = project(POLICY);
    const engine = await open(root);
    await firstChampion(engine);
    fs.writeFileSync(path.join(root, 'data/raw/bad.csv'), 'x\n-7\n');
    await until('the cycle', async () => {
      const [c] = await cycles(engine);
      return c.id === 2 && ended(c) ? c : null;
    });
    const [c] = await cycles(engine);
    expect(c.status).toBe('failed');
    expect(c.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(c.outcome).toMatch(/validation fail: raw on raw@2.*champion and deployments untouched/);
    expect((await champion(engine)).map((x) => x.version)).toEqual([1]);
    expect((await engine.invoke('runs.list', {})).length).toBe(1);
  }, 120000);

  it('cancels from the jobs tray: the step process stops and the champion stays', async () => {
    const root = project(POLICY);
    const engine = await open(root);
    await firstChampion(engine);
    fs.writeFileSync(path.join(root, 'sleep.txt'), '60000');
    const { jobId, cycleId } = await engine.invoke('ct.run', { who: 'test' });
    await until('the run step', async () =>
      (await engine.invoke('jobs.list', {})).find((j) => j.id === jobId && j.label.endsWith(': run')),
    );
    const t0 = Date.now();
    await engine.invoke('jobs.cancel', { id: jobId });
    const job = await engine.invoke('jobs.wait', { id: jobId });
    expect(job.state).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(20000);
    const c = await engine.invoke('ct.cycle', { id: cycleId });
    expect(c.status).toBe('cancelled');
    expect(c.steps.find((s) => s.name === 'run')?.status).toBe('cancelled');
    const run = await engine.invoke('runs.get', { id: c.steps[1].links.runId! });
    expect(run.status).toBe('cancelled');
    expect((await champion(engine)).map((x) => x.version)).toEqual([1]);
  }, 120000);

  it('shows a cycle whose `strata ct watch` was killed as interrupted, and answers a trigger that came while no loop ran', async () => {
    const root = project(POLICY);
    fs.writeFileSync(path.join(root, 'sleep.txt'), '60000');
    const watch = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        path.join(repoRoot, 'electron/cli/main.ts'),
        'ct',
        'watch',
        '--project',
        root,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    cleanups.push(() => {
      try {
        process.kill(-watch.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    let out = '';
    watch.stdout!.on('data', (d) => (out += d));
    await until('the watcher', () => out.includes('Watching for triggers'));
    fs.writeFileSync(path.join(root, 'data/raw/b.csv'), 'x\n2\n');
    await until('the run step in the killed process', () => /cycle 1: run/.test(out), 60000);
    process.kill(-watch.pid!, 'SIGKILL');
    await new Promise((r) => watch.once('exit', r));
    // while nothing watches, new data arrives
    fs.writeFileSync(path.join(root, 'sleep.txt'), '0');
    fs.writeFileSync(path.join(root, 'data/raw/c.csv'), 'x\n3\n');
    const engine = new Engine({ services: [], rememberRecent: false });
    cleanups.push(() => engine.shutdown());
    engine.openProject(root);
    const { jobId } = await engine.invoke('artifacts.add', { path: 'data/raw' });
    await engine.invoke('jobs.wait', { id: jobId });
    await engine.closeProject();
    const app = await open(root);
    const [interrupted] = (await cycles(app)).filter((c) => c.id === 1);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.steps[1].status).toBe('cancelled');
    expect(interrupted.outcome).toMatch(/interrupted during run/);
    const next = await until('the catch-up cycle', async () => {
      const c = (await cycles(app)).find((x) => x.id === 2);
      return c && ended(c) ? c : null;
    });
    expect(next.reason).toMatch(/raw@\d+ \(recorded while no loop ran\)/);
    expect(next.status).toBe('succeeded');
  }, 180000);

  it("starts a cycle on a monitor's drift alert", async () => {
    const root = project(
      POLICY.replace('datasets: [raw]', 'monitors: [churn]'),
      `monitors:
  churn:
    reference: ref.csv
    logs: logs
    window: { rows: 500 }
`,
    );
    const csvOf = (xs: Float64Array) => 'x\n' + [...xs].map((v) => v.toFixed(4)).join('\n') + '\n';
    fs.writeFileSync(path.join(root, 'ref.csv'), csvOf(normals(1, 3000)));
    fs.mkdirSync(path.join(root, 'logs'));
    const engine = new Engine({
      services: [(p, e) => startMonitoring(p, e, 200), ctService],
      rememberRecent: false,
    });
    cleanups.push(() => engine.shutdown());
    engine.openProject(root);
    const { jobId } = await engine.invoke('artifacts.add', { path: 'data/raw' });
    await engine.invoke('jobs.wait', { id: jobId });
    // prediction logs whose x moved by three standard deviations, settled (written a minute ago)
    const log = path.join(root, 'logs', '001.csv');
    fs.writeFileSync(log, csvOf(normals(2, 500, 3)));
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(log, past, past);
    const c = await until('the drift cycle', async () => {
      const [x] = await cycles(engine);
      return x && ended(x) ? x : null;
    });
    expect(c).toMatchObject({ trigger: 'drift', status: 'succeeded', version: 1 });
    expect(c.reason).toMatch(/^monitor churn, window 1 \(x\)$/);
    await settledLoop(engine, 1500);
    expect(await cycles(engine)).toHaveLength(1);
  }, 120000);

  it('refuses a policy naming what strata.yaml lacks, at its line', async () => {
    const root = project(POLICY.replace('model: model', 'model: model\n  deploy: [prod]'));
    const r = runCli(['ct', 'run', '--project', root]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/strata\.yaml:\d+:\d+.*ct\.deploy: no target named prod/);
  });
});
