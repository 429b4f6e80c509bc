import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const git = (cwd: string, ...args: string[]) =>
  spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });

describe('a Strata project in git', () => {
  it('init and add keep .strata/ and versioned data out of `git add -A`, keeping the user .gitignore', () => {
    const t = tempDir('strata-gitignore-');
    cleanup = t.cleanup;
    const dir = t.dir;
    git(dir, 'init', '-q');
    fs.writeFileSync(path.join(dir, '.gitignore'), '# mine\n*.tmp');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'train.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
    expect(runCli(['init', dir]).code).toBe(0);
    const add = runCli(['add', 'data/train.csv', '--project', dir]);
    expect(add.code, add.stderr).toBe(0);
    git(dir, 'add', '-A');
    const committed = git(dir, 'ls-files', '--cached').stdout.trim().split('\n').sort();
    expect(committed).toEqual(['.gitignore', 'strata.yaml', 'train.py']);
    const text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
    expect(text.startsWith('# mine\n*.tmp\n')).toBe(true);
    expect(text).toContain('\n.strata/\n');
    expect(text).toContain('\n/data/train.csv\n');
    // Again: nothing added twice.
    expect(runCli(['init', dir]).code).toBe(0);
    expect(runCli(['add', 'data/train.csv', '--project', dir]).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe(text);
  });

  it('init ignores the outs of the stages a dvc.yaml declares', () => {
    const t = tempDir('strata-gitignore-');
    cleanup = t.cleanup;
    fs.writeFileSync(
      path.join(t.dir, 'dvc.yaml'),
      'stages:\n  prep:\n    cmd: echo hi > out/x.txt\n    outs:\n      - out/x.txt\n',
    );
    expect(runCli(['init', t.dir]).code).toBe(0);
    const lines = fs.readFileSync(path.join(t.dir, '.gitignore'), 'utf8').split('\n');
    expect(lines).toContain('/out/x.txt');
    expect(lines).toContain('.strata/');
  });
});
