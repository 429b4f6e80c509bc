import { describe, it, expect, afterEach } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { hashPath, recordVersion } from '../../electron/core/store/api.js';
import { rootHashOf, serializeEntries, type ManifestEntry } from '../../electron/core/store/manifest.js';
import { manifestText } from '../../electron/core/store/repo.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

// Names whose order depends on how a folder compares with its siblings: '-' and '.' sort before '/',
// so "a.txt" comes before "a/x" while the folder "a" comes before "a.txt" by name.
const TRICKY = [
  'a.txt',
  'a/x',
  'a-b/y',
  'a0',
  'ab',
  'b/c/d',
  'b.c',
  'b/c.e',
  'Z',
  'é',
  '日本/x',
  'sp ace/"q"',
];
const EMPTY = ['empty', 'a/empty', 'b/c/deep-empty'];
const NEIGHBOURS = ['empty.txt', 'empty-1', 'a/empty!'];

function build(root: string, extra: number, empties: string[]): ManifestEntry[] {
  const expected: ManifestEntry[] = [];
  const put = (rel: string, data: Buffer) => {
    const f = path.join(root, 'data', rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, data);
    expected.push({
      path: rel,
      kind: 'f',
      mode: 0o644,
      size: data.length,
      hash: crypto.createHash('sha256').update(data).digest('hex'),
    });
  };
  for (const rel of [...TRICKY, ...NEIGHBOURS]) put(rel, Buffer.from(`content of ${rel}`));
  for (let i = 0; i < extra; i++) put(`many/${i % 7}/${i}.bin`, Buffer.from(String(i)));
  for (const rel of empties) {
    fs.mkdirSync(path.join(root, 'data', rel), { recursive: true });
    expected.push({ path: rel, kind: 'd', mode: 0, size: 0, hash: '-' });
  }
  return expected;
}

describe('manifest order', () => {
  // 4,100 files make a first add split across workers; the re-check is one part reading the stat cache,
  // which hashes its lines as they come when there is no empty folder to place.
  for (const [extra, empties] of [
    [0, EMPTY],
    [4100, EMPTY],
    [0, []],
    [4100, []],
  ] as const) {
    it(`matches the fully sorted manifest for names sorting around "/" (${extra + TRICKY.length} files, ${empties.length} empty folders)`, async () => {
      const t = tempDir();
      const p = Project.init(t.dir);
      cleanups.push(() => {
        p.close();
        t.cleanup();
      });
      const expected = build(t.dir, extra, [...empties]);
      const text = serializeEntries(expected);
      const v = await recordVersion(p, { path: 'data', source: 'manual' });
      expect(manifestText(p, v.rootHash).entries).toBe(text);
      expect(v.rootHash).toBe(rootHashOf('dir', text));
      expect(await hashPath(p, 'data')).toBe(v.rootHash);
      // Old enough for the stat cache to be trusted: the answer must come from the cache, still equal.
      const past = new Date(Date.now() - 10_000);
      for (const e of expected)
        if (e.kind === 'f') fs.utimesSync(path.join(t.dir, 'data', e.path), past, past);
      expect(await hashPath(p, 'data')).toBe(v.rootHash);
      expect(await hashPath(p, 'data')).toBe(v.rootHash);
    }, 60_000);
  }

  // A large folder is shared out by runs of its top-level entries, and each part's piece of the
  // manifest follows the one before. An empty folder "x" sorts before "x-1/…" although its walk
  // order ("x/") puts it after, in the next part's piece: the pieces must then be merged in order.
  it('orders an empty folder before the files of a neighbour that another part walked', async () => {
    const t = tempDir();
    const p = Project.init(t.dir);
    cleanups.push(() => {
      p.close();
      t.cleanup();
    });
    const expected: ManifestEntry[] = [];
    for (let i = 0; i < 4100; i++) {
      const rel = `x-1/${i % 10}/${i}.bin`;
      const data = Buffer.from(`n${i}`);
      fs.mkdirSync(path.join(t.dir, 'data', path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'data', rel), data);
      expected.push({
        path: rel,
        kind: 'f',
        mode: 0o644,
        size: data.length,
        hash: crypto.createHash('sha256').update(data).digest('hex'),
      });
    }
    fs.mkdirSync(path.join(t.dir, 'data', 'x'));
    expected.push({ path: 'x', kind: 'd', mode: 0, size: 0, hash: '-' });
    const text = serializeEntries(expected);
    expect(text.startsWith('d 0 0 - "x"\n')).toBe(true);
    const v = await recordVersion(p, { path: 'data', source: 'manual' });
    expect(manifestText(p, v.rootHash).entries).toBe(text);
    const past = new Date(Date.now() - 10_000);
    for (const e of expected) if (e.kind === 'f') fs.utimesSync(path.join(t.dir, 'data', e.path), past, past);
    expect(await hashPath(p, 'data')).toBe(v.rootHash);
  }, 60_000);
});
