import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodeState } from '../../shared/api/runs.js';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { recordCodeState, UNTRACKED_FILE_CAP } from '../../electron/core/runs/code-state.js';
import { runDetail } from '../../electron/core/runs/repo.js';
import { gc } from '../../electron/core/store/gc.js';
import { restoreVersion } from '../../electron/core/store/api.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { Project } from '../../electron/core/project/project.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
const cleanups: (() => void)[] = [];
afterEach(() => {
  fx?.cleanup();
  fx = null;
  cleanups.splice(0).forEach((c) => c());
});

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
function git(dir: string, ...args: string[]): Buffer {
  const r = spawnSync('git', args, { cwd: dir, env: gitEnv, maxBuffer: 1 << 28 });
  expect(r.status, r.stderr?.toString()).toBe(0);
  return r.stdout;
}
const recorded = (c: CodeState) => {
  expect(c.state, JSON.stringify(c)).toBe('recorded');
  return c as Extract<CodeState, { state: 'recorded' }>;
};

/** 20 MB of text lines, different from what was committed. */
function bigText(): string {
  const line = 'the quick brown fox jumps over the lazy dog 0123456789\n';
  return Array.from({ length: Math.ceil(20e6 / line.length) }, (_v, i) => `${i} ${line}`).join('');
}

describe('the code state of a run', () => {
  it('stores a 20 MB uncommitted change and an untracked file, restorable byte for byte after gc', async () => {
    fx = makeProject('stages:\n  s: { cmd: "true" }\n', {
      'model.py': 'lr = 0.1\n',
      '.gitignore': '/ignored.log\n',
    });
    git(fx.dir, 'init', '-q');
    git(fx.dir, 'add', 'strata.yaml', 'model.py', '.gitignore');
    git(fx.dir, 'commit', '-qm', 'first');
    const commit = git(fx.dir, 'rev-parse', 'HEAD').toString().trim();
    fx.write('model.py', bigText());
    fx.write('notes/idea.txt', 'try a smaller learning rate\n');
    fx.write('ignored.log', 'not code\n');
    const changed = fs.readFileSync(path.join(fx.dir, 'model.py'));

    const run = await startRun(fx.project).done;
    const detail = runDetail(fx.project, run.id);
    const code = recorded(detail.code);
    expect(code.commit).toBe(commit);
    expect(code.diff!.bytes).toBeGreaterThan(20e6);
    expect(code.diff!.files).toBe(1);
    expect(code.untracked.files).toEqual([{ path: 'notes/idea.txt', bytes: 28 }]);
    expect(code.untracked.capHit).toBe(false);
    // The run page gets the head of the diff and says how much more there is.
    expect(detail.git.diff!.length).toBeLessThan(300 << 10);
    expect(detail.git.diff).toContain(`of ${code.diff!.bytes} bytes; the whole diff is in the object store`);
    expect(detail.git.diffHash).toBe(code.diff!.sha256);

    // Nothing references the snapshot but the run: gc must keep it.
    await gc(fx.project, { apply: true, graceMs: 0 });
    await restoreVersion(fx.project, code.snapshot!, 'restored');
    const patch = fs.readFileSync(path.join(fx.dir, 'restored', 'diff.patch'));
    expect(crypto.createHash('sha256').update(patch).digest('hex')).toBe(code.diff!.sha256);
    expect(fs.readFileSync(path.join(fx.dir, 'restored', 'untracked', 'notes', 'idea.txt'), 'utf8')).toBe(
      'try a smaller learning rate\n',
    );
    expect(fs.existsSync(path.join(fx.dir, 'restored', 'untracked', 'ignored.log'))).toBe(false);

    // A clone at the commit plus the stored patch is the working tree the run saw.
    const { dir: clone, cleanup } = tempDir('strata-clone-');
    cleanups.push(cleanup);
    git(clone, 'clone', '-q', fx.dir, '.');
    git(clone, 'checkout', '-q', commit);
    git(clone, 'apply', path.join(fx.dir, 'restored', 'diff.patch'));
    expect(fs.readFileSync(path.join(clone, 'model.py')).equals(changed)).toBe(true);

    const shown = runCli(['show', run.id, '--json'], { cwd: fx.dir });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).code).toEqual(code);
    const text = runCli(['show', run.id], { cwd: fx.dir }).stdout;
    expect(text).toContain(`code:      commit ${commit}`);
    expect(text).toMatch(/uncommitted changes: 1 file, \d+ MiB diff \(stored\)/);
    expect(text).toContain('untracked files: 1 kept (notes/idea.txt)');
  }, 180000);

  it('says "binary file changed" for a binary file instead of storing a binary patch', async () => {
    fx = makeProject('stages:\n  s: { cmd: "true" }\n');
    fs.writeFileSync(path.join(fx.dir, 'weights.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    git(fx.dir, 'init', '-q');
    git(fx.dir, 'add', 'strata.yaml', 'weights.bin');
    git(fx.dir, 'commit', '-qm', 'first');
    fs.writeFileSync(path.join(fx.dir, 'weights.bin'), Buffer.from([0, 9, 9, 9, 0, 255, 7]));
    const run = await startRun(fx.project).done;
    const code = recorded(runDetail(fx.project, run.id).code);
    expect(code.diff!.binaryFiles).toEqual(['weights.bin']);
    const patch = runDetail(fx.project, run.id).git.diff!;
    expect(patch).toContain('Binary files a/weights.bin and b/weights.bin differ');
    expect(patch).not.toContain('GIT binary patch');
    expect(runCli(['show', run.id], { cwd: fx.dir }).stdout).toContain('binary file changed: weights.bin');
  }, 120000);

  it('lists untracked files over the cap with their size, and says the cap was hit', async () => {
    fx = makeProject('stages:\n  s: { cmd: "true" }\n');
    git(fx.dir, 'init', '-q');
    git(fx.dir, 'add', 'strata.yaml');
    git(fx.dir, 'commit', '-qm', 'first');
    fs.writeFileSync(path.join(fx.dir, 'big.bin'), Buffer.alloc(UNTRACKED_FILE_CAP + 1, 7));
    fs.writeFileSync(path.join(fx.dir, 'small.txt'), 'x');
    const run = await startRun(fx.project).done;
    const code = recorded(runDetail(fx.project, run.id).code);
    expect(code.diff).toBeNull();
    expect(code.untracked.files).toEqual([{ path: 'small.txt', bytes: 1 }]);
    expect(code.untracked.skipped).toEqual([
      { path: 'big.bin', bytes: UNTRACKED_FILE_CAP + 1, why: 'over the cap for one file' },
    ]);
    expect(code.untracked.capHit).toBe(true);
    expect(runCli(['show', run.id], { cwd: fx.dir }).stdout).toContain(
      'untracked files: 1 kept (small.txt), 1 not kept (cap hit: 1.0 MiB a file, 16 MiB in all): big.bin (1.0 MiB)',
    );
  }, 120000);

  it('is unknown, with the reason, in a project without git, when git is missing, and when git fails', async () => {
    fx = makeProject('stages:\n  s: { cmd: "true" }\n');
    const run = await startRun(fx.project).done;
    expect(runDetail(fx.project, run.id).code).toEqual({
      state: 'unknown',
      reason: 'the project is not in a git repository',
      commit: null,
    });
    expect(runCli(['show', run.id], { cwd: fx.dir }).stdout).toContain(
      'code:      unknown (the project is not in a git repository)',
    );

    const savedPath = process.env.PATH;
    process.env.PATH = path.join(fx.dir, 'no-such-bin');
    try {
      expect(await recordCodeState(fx.project, run.id)).toEqual({
        state: 'unknown',
        reason: 'git is not installed (no git on PATH)',
        commit: null,
      });
    } finally {
      process.env.PATH = savedPath;
    }

    git(fx.dir, 'init', '-q');
    git(fx.dir, 'add', 'strata.yaml');
    git(fx.dir, 'commit', '-qm', 'first');
    const commit = git(fx.dir, 'rev-parse', 'HEAD').toString().trim();
    fs.writeFileSync(path.join(fx.dir, '.git', 'index'), 'not an index');
    const state = await recordCodeState(fx.project, run.id);
    expect(state).toMatchObject({ state: 'unknown', commit });
    expect((state as { reason: string }).reason).toMatch(/^git diff failed: .*index/);
    expect(runDetail(fx.project, run.id).git).toEqual({ commit, diffHash: null, diff: null });
  }, 120000);

  it('in a project folder inside a larger repository, records only what is under the project', async () => {
    const { dir: repo, cleanup } = tempDir('strata-repo-');
    cleanups.push(cleanup);
    const proj = path.join(repo, 'exp', 'one');
    fs.mkdirSync(proj, { recursive: true });
    fs.writeFileSync(path.join(proj, 'strata.yaml'), 'stages:\n  s: { cmd: "true" }\n');
    fs.writeFileSync(path.join(proj, 'train.py'), 'lr = 0.1\n');
    fs.writeFileSync(path.join(repo, 'elsewhere.py'), 'x = 1\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    fs.writeFileSync(path.join(proj, 'train.py'), 'lr = 0.2\n');
    fs.writeFileSync(path.join(repo, 'elsewhere.py'), 'x = 2\n');
    fs.writeFileSync(path.join(proj, 'new.py'), 'y = 1\n');
    fs.writeFileSync(path.join(repo, 'outside.txt'), 'not in the project\n');
    const project = Project.open(proj);
    cleanups.unshift(() => project.close());
    const run = await startRun(project).done;
    const code = recorded(runDetail(project, run.id).code);
    expect(code.repoPrefix).toBe('exp/one/');
    expect(code.diff!.files).toBe(1);
    expect(runDetail(project, run.id).git.diff).toContain('+++ b/exp/one/train.py');
    expect(runDetail(project, run.id).git.diff).not.toContain('elsewhere.py');
    expect(code.untracked.files.map((f) => f.path)).toEqual(['new.py']);
  }, 120000);
});
