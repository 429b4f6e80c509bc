import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StrataError } from '../../shared/errors.js';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { requestCancel } from '../../electron/core/runs/cancel.js';
import { runDetail, runLogs } from '../../electron/core/runs/repo.js';
import { makeProject, pidAlive, waitFor, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

const logText = (f: Fixture, runId: string, stage?: string) =>
  runLogs(f.project, runId, { stage, after: 0, limit: 100000 })
    .lines.map((l) => l.text)
    .join('');
const stageRow = (f: Fixture, runId: string, stage: string) =>
  runDetail(f.project, runId).stages.find((s) => s.stage === stage)!;

describe('runner', () => {
  it("gives a step the user's environment without Strata's own secrets, plus STRATA_* and the Python client", async () => {
    fx = makeProject('stages:\n  env:\n    cmd: env > env.txt\n    outs: [env.txt]\n');
    const baseEnv = {
      PATH: process.env.PATH,
      HOME: '/tmp',
      MY_VAR: 'kept',
      STRATA_TOKEN: 'secret',
      STRATA_UI_TOKEN: 'secret2',
      ELECTRON_RUN_AS_NODE: '1',
      NODE_OPTIONS: '--inspect',
      PYTHONPATH: '/mine',
    };
    const { runId, done } = startRun(fx.project, { baseEnv });
    const run = await done;
    expect(run.status).toBe('done');
    const env = Object.fromEntries(
      fs
        .readFileSync(path.join(fx.dir, 'env.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.MY_VAR).toBe('kept');
    for (const k of ['STRATA_TOKEN', 'STRATA_UI_TOKEN', 'ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS'])
      expect(env[k]).toBeUndefined();
    expect(env.STRATA_RUN_ID).toBe(runId);
    expect(env.STRATA_PROJECT).toBe(fx.dir);
    expect(env.STRATA_STAGE).toBe('env');
    expect(env.STRATA_RUN_DIR).toBe(path.join(fx.dir, '.strata', 'runs', runId));
    expect(env.PYTHONPATH.split(':')).toEqual([
      expect.stringMatching(/resources\/clients\/python$/),
      '/mine',
    ]);
  }, 120000);

  it('records the git commit, a copy of the uncommitted diff and its hash, and the environment', async () => {
    fx = makeProject('stages:\n  s: { cmd: "true" }\n', { 'train.py': 'lr = 0.1\n' });
    const git = (...args: string[]) => {
      const r = spawnSync('git', args, {
        cwd: fx!.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e',
        },
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    git('init', '-q');
    git('add', 'strata.yaml', 'train.py');
    git('commit', '-qm', 'first');
    fx.write('train.py', 'lr = 0.2\n');
    const run = await startRun(fx.project).done;
    const detail = runDetail(fx.project, run.id);
    expect(detail.git.commit).toBe(git('rev-parse', 'HEAD'));
    expect(detail.git.diff).toContain('-lr = 0.1\n+lr = 0.2');
    expect(detail.git.diffHash).toBe(crypto.createHash('sha256').update(detail.git.diff!).digest('hex'));
    expect(detail.environment).toMatchObject({
      node: process.version,
      os: { platform: process.platform },
      cpu: { count: expect.any(Number) },
    });
    expect(detail.pipelineHash).toMatch(/^[0-9a-f]{64}$/);
  }, 120000);

  it('records exit codes, signals and a command that does not exist', async () => {
    fx = makeProject(`stages:
  three: { cmd: "echo before; exit 3" }
`);
    const r1 = await startRun(fx.project).done;
    expect(r1.status).toBe('failed');
    expect(stageRow(fx, r1.id, 'three')).toMatchObject({
      status: 'failed',
      exitCode: 3,
      reason: 'failed: exit code 3',
    });
    expect(logText(fx, r1.id)).toContain('before');

    fx.write('strata.yaml', 'stages:\n  killed: { cmd: "kill -9 $$" }\n');
    const r2 = await startRun(fx.project).done;
    expect(stageRow(fx, r2.id, 'killed')).toMatchObject({
      status: 'failed',
      signal: 'SIGKILL',
      exitCode: null,
    });

    fx.write('strata.yaml', 'stages:\n  typo: { cmd: "no-such-command-xyz --flag" }\n');
    const r3 = await startRun(fx.project).done;
    expect(stageRow(fx, r3.id, 'typo')).toMatchObject({ status: 'failed', exitCode: 127 });
    expect(logText(fx, r3.id)).toContain('could not find the command (no-such-command-xyz)');
  }, 120000);

  it('stores a flood of output up to the cap with a visible truncated mark, and never blocks the step', async () => {
    // 40 MB written as fast as Node can: a runner that stopped reading would stall this at 64 KiB.
    fx = makeProject(`stages:
  loud: { cmd: "node -e \\"const b=Buffer.alloc(1<<20, 97); for (let i=0;i<40;i++) process.stdout.write(b); console.error('done-writing')\\"" }
`);
    const cap = 1 << 20;
    const run = await startRun(fx.project, { logCap: cap }).done;
    expect(run.status).toBe('done');
    const s = stageRow(fx, run.id, 'loud');
    expect(s.logBytes).toBe(40 * (1 << 20) + 'done-writing\n'.length);
    expect(s.logDropped).toBe(s.logBytes - cap);
    const text = logText(fx, run.id, 'loud');
    expect(text).toContain('[strata] output truncated');
    expect(text).toContain(`${s.logDropped} bytes of output were not stored`);
    expect(text.length).toBeLessThan(cap + 4096);
  }, 120000);

  it('cancel stops the whole process tree, a grandchild that ignores SIGTERM included', async () => {
    fx = makeProject(`stages:
  tree:
    cmd: "sh -c 'trap \\"\\" TERM; sleep 300 & echo $! > grandchild.pid; wait' & echo $! > child.pid; wait"
`);
    const { runId, done } = startRun(fx.project, { graceMs: 500 });
    const pids = await waitFor(() => {
      try {
        return [
          fs.readFileSync(path.join(fx!.dir, 'child.pid'), 'utf8'),
          fs.readFileSync(path.join(fx!.dir, 'grandchild.pid'), 'utf8'),
        ]
          .map((t) => Number(t.trim()))
          .filter(Boolean);
      } catch {
        return null;
      }
    });
    expect(pids).toHaveLength(2);
    expect(pids.every(pidAlive)).toBe(true);
    requestCancel(fx.project, runId);
    const run = await done;
    expect(run.status).toBe('cancelled');
    expect(stageRow(fx, runId, 'tree').status).toBe('cancelled');
    await waitFor(() => pids.every((p) => !pidAlive(p)), 5000);
  }, 120000);

  it('stops processes a step left behind when it exited', async () => {
    fx = makeProject('stages:\n  bg: { cmd: "sleep 300 & echo $! > bg.pid; exit 0" }\n');
    const run = await startRun(fx.project, { graceMs: 500 }).done;
    expect(run.status).toBe('done');
    const pid = Number(fs.readFileSync(path.join(fx.dir, 'bg.pid'), 'utf8'));
    await waitFor(() => !pidAlive(pid), 5000);
    expect(logText(fx, run.id)).toContain(
      'left processes running (in its group or detached from it); they were stopped',
    );
  }, 120000);

  it('refuses a second run while one is going, and loses nothing of the first', async () => {
    fx = makeProject('stages:\n  slow: { cmd: "echo started; sleep 1; echo finished" }\n');
    const first = startRun(fx.project);
    let refused: unknown = null;
    try {
      startRun(fx.project);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(StrataError);
    expect((refused as StrataError).code).toBe('CONFLICT');
    expect((refused as StrataError).message).toContain(first.runId);
    const run = await first.done;
    expect(run.status).toBe('done');
    expect(logText(fx, run.id)).toMatch(/started\n[\s\S]*finished\n/);
    expect(fx.project.db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(1);
    expect((await startRun(fx.project, { force: true }).done).status).toBe('done');
  }, 120000);
});
