import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../electron/cli/commands/index.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';

/**
 * Every `strata` command, run as a user would (a child process, stdin closed) under a watchdog: a
 * command that has not exited within the limit is killed and fails the test. Inputs include the
 * ones that used to hang (a FIFO, a folder holding one, a step that leaves a daemon). A new command
 * without a case here fails the first test, so none goes unwatched.
 */
const LIMIT_MS = 45000;

interface Case {
  args: string[];
  /** the exit code wanted; a refusal is fine, a hang is not */
  code: number;
  /** for a command that serves until stopped: stop it with SIGTERM once its stdout says this */
  stopWhen?: RegExp;
}

let t: { dir: string; cleanup: () => void };
let root = '';
let runA = '';
let runB = '';
const env = () => ({ STRATA_HOME: path.join(t.dir, 'home') });

function cases(): Record<string, Case[]> {
  const p = ['--project', root];
  return {
    init: [{ args: ['init', path.join(t.dir, 'fresh'), '--json'], code: 0 }],
    status: [{ args: ['status', root, '--json'], code: 0 }],
    ui: [{ args: ['ui', root, '--no-open', '--port', '0'], code: 0, stopWhen: /Strata UI: http/ }],
    add: [
      { args: ['add', 'data', '--json', ...p], code: 0 },
      { args: ['add', 'pipe', ...p], code: 2 },
    ],
    versions: [{ args: ['versions', 'data', '--json', ...p], code: 0 }],
    show: [
      { args: ['show', 'data@1', '--json', ...p], code: 0 },
      { args: ['show', runA, '--json', ...p], code: 0 },
    ],
    diff: [{ args: ['diff', 'data@1', 'data@2', '--json', ...p], code: 0 }],
    checkout: [{ args: ['checkout', 'data@1', '--force', '--json', ...p], code: 0 }],
    tag: [{ args: ['tag', 'data@1', 'baseline', '--json', ...p], code: 0 }],
    fsck: [{ args: ['fsck', '--json', ...p], code: 0 }],
    gc: [
      { args: ['gc', '--json', ...p], code: 0 },
      { args: ['gc', '--yes', '--grace-minutes', '0', '--json', ...p], code: 0 },
    ],
    run: [{ args: ['run', 'daemon', '--force', '--json', ...p], code: 0 }],
    runs: [{ args: ['runs', '--json', ...p], code: 0 }],
    logs: [{ args: ['logs', runA, ...p], code: 0 }],
    cancel: [{ args: ['cancel', runA, '--wait', '1', ...p], code: 1 }],
    compare: [{ args: ['compare', runA, runB, '--json', ...p], code: 0 }],
    client: [{ args: ['client', 'path', '--json'], code: 0 }],
    drift: [{ args: ['drift', 'data@1', 'data@1', '--json', ...p], code: 0 }],
    monitor: [{ args: ['monitor', '--json', ...p], code: 0 }],
    validate: [{ args: ['validate', '--json', ...p], code: 0 }],
    gates: [{ args: ['gates', 'data@1', '--json', ...p], code: 0 }],
    // Refused: the project is no git repository.
    reproduce: [{ args: ['reproduce', runA, '--json', ...p], code: 1 }],
    review: [{ args: ['review', runA, '--html', path.join(t.dir, 'review.html'), '--json', ...p], code: 0 }],
    deploy: [{ args: ['deploy', 'data@1', '--target', 'none', ...p], code: 1 }],
    deployments: [{ args: ['deployments', '--json', ...p], code: 0 }],
    rollback: [{ args: ['rollback', '--target', 'none', ...p], code: 1 }],
    undeploy: [{ args: ['undeploy', '--target', 'none', ...p], code: 1 }],
    serve: [{ args: ['serve', path.join(root, 'data', 'a.csv')], code: 1 }],
    bundle: [
      { args: ['bundle', 'export', 'data@1', '-o', path.join(t.dir, 'd.tar'), ...p], code: 0 },
      { args: ['bundle', 'verify', path.join(t.dir, 'd.tar')], code: 0 },
      { args: ['bundle', 'verify', path.join(root, 'pipe')], code: 2 },
      { args: ['bundle', 'review', path.join(t.dir, 'd.tar'), '--json'], code: 0 },
      { args: ['bundle', 'review', path.join(root, 'pipe')], code: 2 },
    ],
    // Refused: no such mlruns folder.
    import: [{ args: ['import', 'mlflow', path.join(t.dir, 'no-mlruns'), '--json', ...p], code: 1 }],
    // Refused: the project has no remotes:.
    push: [{ args: ['push', '--all', '--json', ...p], code: 2 }],
    pull: [{ args: ['pull', '--all', '--json', ...p], code: 2 }],
    remote: [{ args: ['remote', 'status', '--json', ...p], code: 0 }],
    ct: [
      { args: ['ct', 'cycles', '--json', ...p], code: 0 },
      // Refused: the project has no ct: policy.
      { args: ['ct', 'run', ...p], code: 1 },
      { args: ['ct', 'watch', ...p], code: 0, stopWhen: /Watching for triggers/ },
    ],
  };
}

function watched(
  c: Case,
): Promise<{ code: number | null; signal: string | null; hung: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(c.args, { cwd: root, env: env() });
    let out = '';
    let hung = false;
    const onData = (d: Buffer) => {
      out += d;
      if (c.stopWhen?.test(out)) child.kill('SIGTERM');
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    const dog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(dog);
      resolve({ code, signal, hung, out });
    });
  });
}

beforeAll(() => {
  t = tempDir();
  root = path.join(t.dir, 'proj');
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'a.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(root, 'metric.sh'), `echo '{"acc": 0.5}' > m.json\n`);
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    [
      'stages:',
      '  quick:',
      '    cmd: sh metric.sh',
      '    metrics: [m.json]',
      '  daemon:',
      '    cmd: setsid sleep 300 >/dev/null 2>&1 </dev/null & echo started',
      '',
    ].join('\n'),
  );
  const sh = (args: string[]) => {
    const r = runCli(args, { cwd: root, env: env() });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  sh(['init', root]);
  sh(['add', 'data', ...['--project', root]]);
  fs.writeFileSync(path.join(root, 'data', 'b.csv'), 'x,y\n3,4\n');
  expect(spawnSync('mkfifo', [path.join(root, 'data', 'fifo'), path.join(root, 'pipe')]).status).toBe(0);
  runA = JSON.parse(sh(['run', 'quick', '--json', '--project', root])).id;
  runB = JSON.parse(sh(['run', 'quick', '--force', '--json', '--project', root])).id;
}, 120000);
afterAll(() => t?.cleanup());

describe('every CLI command under a watchdog', () => {
  it('has a case here', () => {
    expect(commands.map((c) => c.name).filter((n) => !(n in cases()))).toEqual([]);
  });

  for (const name of commands.map((c) => c.name)) {
    it(
      `strata ${name} finishes within ${LIMIT_MS / 1000} s`,
      async () => {
        for (const c of cases()[name] ?? []) {
          const r = await watched(c);
          expect(r.hung, `strata ${c.args.join(' ')} hung; output so far:\n${r.out}`).toBe(false);
          if (c.stopWhen) expect(r.code === 0 || r.signal === 'SIGTERM', r.out).toBe(true);
          else expect(r.code, `strata ${c.args.join(' ')}:\n${r.out}`).toBe(c.code);
        }
      },
      4 * LIMIT_MS,
    );
  }
});
