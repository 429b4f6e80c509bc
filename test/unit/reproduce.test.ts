import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reproduction } from '../../shared/api/review.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

function folder(): string {
  const t = tempDir('strata-repro-test-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A git repository holding the files; `ignored` paths stay out of git (data only the store has). */
function repo(dir: string, files: Record<string, string>, ignore: string[]): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.writeFileSync(path.join(dir, '.gitignore'), ['.strata/', ...ignore].join('\n') + '\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'first');
}

function runPipeline(dir: string): string {
  const r = runCli(['run', '--json', '--project', dir]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id;
}

function reproduce(dir: string, run: string, extra: string[] = []): { code: number | null; r: Reproduction } {
  const out = runCli(['reproduce', run, '--json', '--project', dir, ...extra]);
  expect(out.stdout, out.stderr).not.toBe('');
  return { code: out.code, r: JSON.parse(out.stdout) };
}

function runsJson(dir: string) {
  return JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout) as {
    id: string;
    params: Record<string, unknown>;
    tags: Record<string, string>;
  }[];
}

describe('strata reproduce', () => {
  it('reproduces the tabular example exactly, with an uncommitted change applied, in a scratch worktree', () => {
    const dir = folder();
    fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), dir, { recursive: true });
    repo(dir, {}, ['data/', 'models/', 'reports/']);
    // Uncommitted: fewer epochs. A reproduction from the commit alone would train 60.
    const params = path.join(dir, 'params.yaml');
    fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace(/epochs:\s*60/, 'epochs: 20'));
    const before = fs.readFileSync(params, 'utf8');
    const id = runPipeline(dir);
    const stateBefore = runCli(['run', '--dry', '--json', '--project', dir]).stdout;

    const { code, r } = reproduce(dir, id);
    expect(r.limits).toEqual([]);
    expect(r.differences).toEqual([]);
    expect(r.verdict).toBe('exact');
    expect(code).toBe(0);
    expect(r.outputs.map((o) => o.path).sort()).toEqual(['data/prepared', 'models/model.json']);
    expect(r.outputs.every((o) => o.equal && o.original)).toBe(true);
    expect(r.metrics.find((m) => m.key === 'loss')).toMatchObject({
      result: 'equal',
      points: { original: 20, reproduced: 20 },
    });
    expect(r.metrics.find((m) => m.key === 'test.accuracy')?.result).toBe('equal');

    // A run of its own, linked to the original, that ran the changed params.
    const repro = runsJson(dir).find((x) => x.id === r.reproRunId)!;
    expect(repro.tags['strata.reproduces']).toBe(id);
    expect(repro.params['train.epochs']).toBe(20);
    // The workspace, its stage cache and git are as they were.
    expect(fs.readFileSync(params, 'utf8')).toBe(before);
    expect(runCli(['run', '--dry', '--json', '--project', dir]).stdout).toBe(stateBefore);
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    // A model version names the run that wrote it.
    const byModel = reproduce(dir, 'model@1');
    expect(byModel.r).toMatchObject({ runId: id, verdict: 'exact' });
  }, 240000);

  it('names the outputs of an unseeded random step as nondeterminism and suggests a seed', () => {
    const dir = folder();
    repo(
      dir,
      {
        'strata.yaml': `stages:
  draw:
    cmd: node draw.mjs
    deps: [draw.mjs]
    outs: [sample.txt]
  fixed:
    cmd: node -e "require('fs').writeFileSync('fixed.txt', 'same')"
    outs: [fixed.txt]
`,
        'draw.mjs': "import fs from 'node:fs';\nfs.writeFileSync('sample.txt', String(Math.random()));\n",
      },
      ['sample.txt', 'fixed.txt'],
    );
    const id = runPipeline(dir);
    const { code, r } = reproduce(dir, id);
    expect(code).toBe(1);
    expect(r.verdict).toBe('not-reproduced');
    expect(r.differences).toEqual([
      expect.objectContaining({
        category: 'nondeterminism',
        subject: 'out sample.txt',
        note: 'written by draw',
      }),
    ]);
    expect(r.outputs.find((o) => o.path === 'fixed.txt')?.equal).toBe(true);
    expect(r.suggestions.join(' ')).toMatch(/draw \(wrote sample\.txt\).*Math\.random/);
  }, 120000);

  const dataProject = (dir: string, declare: boolean) =>
    repo(
      dir,
      {
        'strata.yaml': `${declare ? 'artifacts:\n  rows:\n    path: rows.csv\n    kind: dataset\n' : ''}stages:
  count:
    cmd: node -e "require('fs').writeFileSync('n.txt', String(require('fs').readFileSync('rows.csv','utf8').split('\\\\n').length))"
    deps: [rows.csv]
    outs: [n.txt]
`,
        'rows.csv': 'a\n1\n2\n',
      },
      ['rows.csv', 'n.txt'],
    );

  it('refuses a run whose data the store does not have, saying which', () => {
    const dir = folder();
    dataProject(dir, false);
    const id = runPipeline(dir);
    const { code, r } = reproduce(dir, id);
    expect(code).toBe(1);
    expect(r.status).toBe('refused');
    expect(r.verdict).toBe('not-reproduced');
    expect(r.reproRunId).toBeNull();
    expect(r.limits).toEqual([
      expect.objectContaining({
        kind: 'missing-data',
        fatal: true,
        message: expect.stringMatching(/^rows\.csv: the content the run read .* is not in the store/),
      }),
    ]);
  }, 120000);

  it('refuses a run whose data version lost its objects, naming the version', () => {
    const dir = folder();
    dataProject(dir, true);
    const id = runPipeline(dir);
    fs.rmSync(path.join(dir, '.strata', 'objects', 'packs'), { recursive: true, force: true });
    const { r } = reproduce(dir, id);
    expect(r.status).toBe('refused');
    expect(r.limits[0]).toMatchObject({ kind: 'missing-data', fatal: true });
    expect(r.limits[0].message).toMatch(
      /^rows\.csv: rows@1 cannot be checked out from the store, its content is missing or unreadable/,
    );
  }, 120000);

  it('names a commit that is gone from the repository', () => {
    const dir = folder();
    dataProject(dir, true);
    const id = runPipeline(dir);
    const gone = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'commit', '-q', '--amend', '-m', 'rewritten');
    git(dir, 'reflog', 'expire', '--expire=now', '--all');
    git(dir, 'gc', '-q', '--prune=now');
    const { code, r } = reproduce(dir, id);
    expect(code).toBe(1);
    expect(r.status).toBe('refused');
    expect(r.limits).toEqual([
      expect.objectContaining({ kind: 'commit-gone', message: expect.stringContaining(`commit ${gone}`) }),
    ]);
  }, 120000);

  it('takes tolerances as metric=abs or metric=rel% and refuses anything else', () => {
    const bad = runCli(['reproduce', 'x', '--tolerance', 'acc', '--project', folder()]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--tolerance acc: write <metric>=<number>/);
  });
});

/** Debian's scikit-learn is for /usr/bin/python3; a pyenv python3 earlier on PATH may lack it. */
const sklearnPython = ['python3', '/usr/bin/python3'].find(
  (py) => spawnSync(py, ['-c', 'import sklearn']).status === 0,
);

describe('strata reproduce, more examples and limits', () => {
  it.skipIf(!sklearnPython)(
    'reproduces the scikit-learn example exactly',
    () => {
      const dir = folder();
      fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'sklearn'), dir, { recursive: true });
      repo(dir, {}, ['data/', 'models/', 'reports/', '__pycache__/']);
      const env = sklearnPython!.includes('/')
        ? { PATH: `${path.dirname(sklearnPython!)}${path.delimiter}${process.env.PATH}` }
        : {};
      const run = runCli(['run', '--json', '--project', dir], { env });
      expect(run.code, run.stderr).toBe(0);
      const out = runCli(['reproduce', JSON.parse(run.stdout).id, '--json', '--project', dir], { env });
      const r = JSON.parse(out.stdout) as Reproduction;
      expect(r.differences).toEqual([]);
      expect(r.verdict).toBe('exact');
      expect(r.outputs.map((o) => o.path).sort()).toEqual(['data/split', 'models/model.pkl']);
    },
    240000,
  );

  it('names an untracked file over the cap as a limit, and still compares what it can', () => {
    const dir = folder();
    repo(
      dir,
      {
        'strata.yaml':
          "stages:\n  s:\n    cmd: node -e \"require('fs').writeFileSync('o.txt', 'x')\"\n    outs: [o.txt]\n",
      },
      ['o.txt'],
    );
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(2 << 20, 1));
    const id = runPipeline(dir);
    const { code, r } = reproduce(dir, id);
    expect(r.limits).toEqual([
      {
        kind: 'untracked-skipped',
        fatal: false,
        message: expect.stringMatching(/^untracked file big\.bin was not kept \(over the cap for one file\)/),
      },
    ]);
    expect(r.differences).toContainEqual(
      expect.objectContaining({ category: 'code', subject: 'file big.bin' }),
    );
    expect(r.outputs).toEqual([expect.objectContaining({ path: 'o.txt', equal: true })]);
    expect(r.verdict).toBe('exact');
    expect(code).toBe(0);
  }, 120000);
});

describe('strata reproduce, when the environment has changed or the user stops it', () => {
  it('names a stage whose command is no longer installed, as an environment difference', () => {
    const dir = folder();
    repo(
      dir,
      {
        'strata.yaml': 'stages:\n  make:\n    cmd: mytool\n    outs: [made.txt]\n',
        'tools/mytool': '#!/bin/sh\necho made > made.txt\n',
      },
      ['made.txt'],
    );
    fs.chmodSync(path.join(dir, 'tools', 'mytool'), 0o755);
    const withTool = { PATH: `${path.join(dir, 'tools')}${path.delimiter}${process.env.PATH}` };
    const run = runCli(['run', '--json', '--project', dir], { env: withTool });
    expect(run.code, run.stderr).toBe(0);
    const { code, r } = reproduce(dir, JSON.parse(run.stdout).id);
    expect(code).toBe(1);
    expect(r.verdict).toBe('not-reproduced');
    expect(r.differences).toContainEqual(
      expect.objectContaining({ category: 'environment', subject: 'stage make', reproduced: 'failed' }),
    );
  }, 120000);

  it('is a job: cancelling it stops the stage, ends it cancelled and removes the scratch worktree', async () => {
    const { Engine } = await import('../../electron/core/engine.js');
    const dir = folder();
    repo(
      dir,
      {
        'strata.yaml': 'stages:\n  wait:\n    cmd: node wait.js\n    outs: [done.txt]\n',
        'wait.js':
          "setTimeout(() => require('fs').writeFileSync('done.txt', 'ok'), Number(process.env.REPRO_TEST_DELAY || 0));\n",
      },
      ['done.txt'],
    );
    const id = runPipeline(dir);
    // Other test files may reproduce at the same time: this run's scratch folder is the one whose
    // .git file points into this repository.
    const ours = () =>
      fs
        .readdirSync(os.tmpdir())
        .filter((n) => n.startsWith('strata-repro-'))
        .filter((n) => {
          try {
            return fs.readFileSync(path.join(os.tmpdir(), n, '.git'), 'utf8').includes(dir);
          } catch {
            return false;
          }
        });
    const engine = new Engine({ services: [], rememberRecent: false });
    process.env.REPRO_TEST_DELAY = '60000';
    try {
      await engine.invoke('project.open', { path: dir });
      const started = await engine.invoke('reproduce.start', { run: id });
      let pid: number | null = null;
      // Time-bound, not count-bound: on a loaded machine the worktree and restore take a while.
      const until = Date.now() + 60000;
      while (pid === null && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        const rep = await engine.invoke('reproduce.get', { id: started.reproductionId });
        if (rep.reproRunId) {
          const row = engine
            .project!.db.prepare("SELECT pid FROM run_stages WHERE run_id = ? AND status = 'running'")
            .get(rep.reproRunId) as { pid: number | null } | undefined;
          pid = row?.pid ?? null;
        }
      }
      expect(pid).not.toBeNull();
      await engine.invoke('jobs.cancel', { id: started.jobId });
      const job = await engine.invoke('jobs.wait', { id: started.jobId });
      expect(job.state).toBe('cancelled');
      const rep = await engine.invoke('reproduce.get', { id: started.reproductionId });
      expect(rep.status).toBe('cancelled');
      expect(() => process.kill(pid!, 0)).toThrow();
    } finally {
      delete process.env.REPRO_TEST_DELAY;
      await engine.shutdown();
    }
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(ours()).toEqual([]);
  }, 120000);
});
