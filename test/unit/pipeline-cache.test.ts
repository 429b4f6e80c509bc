import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planPipeline } from '../../electron/core/pipeline/plan.js';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

const CONFIG = `stages:
  copy:
    cmd: "cat in.txt > out.txt && echo ran >> runs.log"
    deps: [in.txt]
    params: [lr]
    outs: [out.txt]
`;

async function reasons(f: Fixture, opts: { force?: boolean } = {}) {
  const run = await startRun(f.project, opts).done;
  expect(run.status).toBe('done');
  return run.stages.map((s) => `${s.status}: ${s.reason}`);
}

const timesRun = (f: Fixture) =>
  fs.readFileSync(path.join(f.dir, 'runs.log'), 'utf8').trim().split('\n').length;

describe('stage cache', () => {
  it('runs a stage only when its command, deps, params or outs changed, and says why', async () => {
    fx = makeProject(CONFIG, { 'in.txt': 'one\n', 'params.yaml': 'lr: 1\n' });
    expect(await reasons(fx)).toEqual(['done: never run successfully before']);
    expect(await reasons(fx)).toEqual(['skipped: up to date (command, deps and params unchanged)']);
    expect(timesRun(fx)).toBe(1);

    fx.write('in.txt', 'two\n');
    expect(await reasons(fx)).toEqual(['done: dep changed: in.txt']);
    expect(fs.readFileSync(path.join(fx.dir, 'out.txt'), 'utf8')).toBe('two\n');

    fx.write('params.yaml', 'lr: 2\n');
    expect((await planPipeline(fx.project)).map((p) => [p.run, p.reason])).toEqual([
      [true, 'params changed: lr 1 → 2'],
    ]);
    expect(await reasons(fx)).toEqual(['done: params changed: lr 1 → 2']);

    fx.write('out.txt', 'edited by hand\n');
    expect(await reasons(fx)).toEqual(['done: out modified: out.txt']);

    fx.write('strata.yaml', CONFIG.replace('cat in.txt', 'cat  in.txt'));
    expect((await reasons(fx))[0]).toMatch(/^done: command changed/);

    expect(await reasons(fx, { force: true })).toEqual(['done: forced (--force)']);
    expect(timesRun(fx)).toBe(6);
  }, 120000);

  it('restores a missing out from the store instead of running the stage', async () => {
    fx = makeProject(CONFIG, { 'in.txt': 'keep me\n', 'params.yaml': 'lr: 1\n' });
    await reasons(fx);
    fs.rmSync(path.join(fx.dir, 'out.txt'));
    expect(await reasons(fx)).toEqual(['skipped: up to date; missing outs restored from the store: out.txt']);
    expect(fs.readFileSync(path.join(fx.dir, 'out.txt'), 'utf8')).toBe('keep me\n');
    expect(timesRun(fx)).toBe(1);
  }, 120000);

  it('fails a stage that exits 0 without writing its out, and records nothing as fresh', async () => {
    fx = makeProject('stages:\n  lazy: { cmd: "true", outs: [never.txt] }\n');
    const run = await startRun(fx.project).done;
    expect(run.status).toBe('failed');
    expect(run.stages[0].reason).toBe('did not write its outs: never.txt');
    expect(fx.project.db.prepare('SELECT COUNT(*) FROM stage_state').pluck().get()).toBe(0);
  }, 120000);

  it('runs the stages below one that failed as not reached', async () => {
    fx = makeProject(`stages:
  a: { cmd: "exit 1", outs: [a.txt] }
  b: { cmd: "cp a.txt b.txt", deps: [a.txt], outs: [b.txt] }
`);
    const run = await startRun(fx.project).done;
    expect(run.stages.map((s) => [s.stage, s.status, s.reason])).toEqual([
      ['a', 'failed', 'failed: exit code 1'],
      ['b', 'skipped', 'not reached: stage a failed'],
    ]);
  }, 120000);
});
