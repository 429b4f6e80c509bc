import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Project } from '../../electron/core/project/project.js';
import { hashPath, recordVersion, restoreVersion } from '../../electron/core/store/api.js';
import { StrataError } from '../../shared/errors.js';
import { throwawayProjects } from '../helpers/store.js';

const { project } = throwawayProjects();
// Old enough for the stat cache to keep (a file written within the last second is always re-read),
// and a different time per write: an edit keeping size, inode and mtime is invisible to any stat cache.
let tick = 0;
function write(p: Project, rel: string, data: string): void {
  const f = path.join(p.root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
  const past = new Date(Date.now() - 600_000 + ++tick * 1000);
  fs.utimesSync(f, past, past);
}

describe('checkout', () => {
  it('leaves files that already hold the version alone, rewrites the others, and replaces a folder standing where a file belongs', async () => {
    const p = project();
    write(p, 'd/same.txt', 'same');
    write(p, 'd/other.txt', 'v1');
    write(p, 'd/x', 'a file');
    const v1 = await recordVersion(p, { path: 'd', source: 'manual' });
    write(p, 'd/other.txt', 'v2');
    fs.rmSync(path.join(p.root, 'd/x'));
    write(p, 'd/x/inner.txt', 'now a folder');
    await recordVersion(p, { path: 'd', source: 'manual' });
    const inode = (rel: string) => fs.statSync(path.join(p.root, rel)).ino;
    const sameBefore = inode('d/same.txt');
    const otherBefore = inode('d/other.txt');
    await restoreVersion(p, v1.rootHash, 'd');
    // The stat cache vouches for same.txt: not rewritten (a rewrite is a rename, a new inode).
    expect(inode('d/same.txt')).toBe(sameBefore);
    expect(inode('d/other.txt')).not.toBe(otherBefore);
    expect(fs.readFileSync(path.join(p.root, 'd/other.txt'), 'utf8')).toBe('v1');
    expect(fs.readFileSync(path.join(p.root, 'd/x'), 'utf8')).toBe('a file');
    expect(await hashPath(p, 'd')).toBe(v1.rootHash);
  });

  it('leaves folders no version holds (__pycache__, .git, node_modules) where they are', async () => {
    const p = project();
    write(p, 'm/model.py', 'v1');
    write(p, 'm/sub/util.py', 'u');
    const v1 = await recordVersion(p, { path: 'm', source: 'manual' });
    write(p, 'm/model.py', 'v2');
    write(p, 'm/extra.py', 'new in v2');
    await recordVersion(p, { path: 'm', source: 'manual' });
    const untracked = [
      'm/__pycache__/model.cpython-311.pyc',
      'm/sub/__pycache__/util.pyc',
      'm/.git/HEAD',
      'm/node_modules/x/index.js',
    ];
    for (const rel of untracked) write(p, rel, 'not versioned');
    await restoreVersion(p, v1.rootHash, 'm');
    expect(fs.existsSync(path.join(p.root, 'm/extra.py'))).toBe(false);
    expect(fs.readFileSync(path.join(p.root, 'm/model.py'), 'utf8')).toBe('v1');
    for (const rel of untracked) expect(fs.existsSync(path.join(p.root, rel)), rel).toBe(true);
    expect(await hashPath(p, 'm')).toBe(v1.rootHash);
  });

  it('reports progress on a large folder and stops when cancelled, saying how far it got', async () => {
    const p = project();
    for (let i = 0; i < 10; i++) fs.mkdirSync(path.join(p.root, `big/${i}`), { recursive: true });
    for (let i = 0; i < 4100; i++) fs.writeFileSync(path.join(p.root, `big/${i % 10}/${i}.txt`), `file ${i}`);
    const v = await recordVersion(p, { path: 'big', source: 'manual' });
    fs.rmSync(path.join(p.root, 'big'), { recursive: true });
    const seen: number[] = [];
    await restoreVersion(p, v.rootHash, 'big', { onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([2000, 4000, 4100]);
    expect(await hashPath(p, 'big')).toBe(v.rootHash);

    fs.rmSync(path.join(p.root, 'big'), { recursive: true });
    const abort = new AbortController();
    const err = await restoreVersion(p, v.rootHash, 'big', {
      signal: abort.signal,
      onProgress: () => abort.abort(),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('CANCELLED');
    expect((err as StrataError).message).toMatch(/after 2000 of 4100 files/);
    // Finishing it later gives the whole version.
    await restoreVersion(p, v.rootHash, 'big');
    expect(await hashPath(p, 'big')).toBe(v.rootHash);
  }, 120_000);
});
