import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Project } from '../../electron/core/project/project.js';
import { projectStatus } from '../../electron/core/project/status.js';
import { recordVersion, restoreVersion } from '../../electron/core/store/api.js';
import { diffVersions } from '../../electron/core/store/diff.js';
import { fsck } from '../../electron/core/store/fsck.js';
import { gc } from '../../electron/core/store/gc.js';
import {
  insertPacked,
  listPacks,
  locateObject,
  PackWriter,
  storeHas,
} from '../../electron/core/store/packs.js';
import { objectPath } from '../../electron/core/store/objects.js';
import { resolveRef } from '../../electron/core/store/repo.js';
import { storeOf, throwawayProjects } from '../helpers/store.js';

const { project } = throwawayProjects();

function write(p: Project, rel: string, data: string | Buffer): void {
  const f = path.join(p.root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
}

const sha = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const intact = (p: Project) => storeOf(p.root).intact((a, b, what) => expect(a, what).toBe(b));

describe('pack files for small objects', () => {
  it('packs small contents (no object file each), and checkout, diff and status read them from the pack', async () => {
    const p = project();
    for (let i = 0; i < 50; i++) write(p, `d/f${i}.txt`, `file ${i}\n`);
    write(p, 'd/t.csv', 'x,y\n1,a\n2,b\n');
    write(p, 'd/big.bin', Buffer.alloc((1 << 20) + 1, 3));
    const v1 = await recordVersion(p, { path: 'd', source: 'manual' });
    // 51 small contents in one pack; the file just over 1 MiB is an object file of its own.
    expect(listPacks(p.objectsDir)).toHaveLength(1);
    expect(p.db.prepare('SELECT count(*) FROM packed_objects').pluck().get()).toBe(51);
    const shards = fs.readdirSync(p.objectsDir).filter((s) => /^[0-9a-f]{2}$/.test(s));
    expect(shards).toEqual([sha(Buffer.alloc((1 << 20) + 1, 3)).slice(0, 2)]);
    expect(intact(p)).toBe(52);
    expect(projectStatus(p).objects.count).toBe(52);

    write(p, 'd/t.csv', 'x,y,z\n1,a,0\n2,b,0\n3,c,1\n');
    fs.rmSync(path.join(p.root, 'd/f7.txt'));
    const v2 = await recordVersion(p, { path: 'd', source: 'manual' });
    const diff = await diffVersions(p, resolveRef(p, 'd', '1'), resolveRef(p, 'd', '2'));
    expect(diff.tabular).toHaveLength(1);
    expect(diff.tabular[0]).toMatchObject({ path: 't.csv', addedColumns: ['z'], rowDelta: 1, error: null });

    fs.rmSync(path.join(p.root, 'd'), { recursive: true });
    await restoreVersion(p, v1.rootHash, 'd');
    expect(fs.readFileSync(path.join(p.root, 'd/f7.txt'), 'utf8')).toBe('file 7\n');
    expect(fs.readFileSync(path.join(p.root, 'd/t.csv'), 'utf8')).toBe('x,y\n1,a\n2,b\n');
    expect(fs.statSync(path.join(p.root, 'd/big.bin')).size).toBe((1 << 20) + 1);
    await restoreVersion(p, v2.rootHash, 'd');
    expect(fs.existsSync(path.join(p.root, 'd/f7.txt'))).toBe(false);
    expect((await fsck(p)).ok).toBe(true);
  });

  it('gc removes a pack no row names (left by an add killed before it committed), and rewrites a pack with dead objects', async () => {
    const p = project();
    // A pack whose add died before its rows were committed.
    const orphan = new PackWriter(p.objectsDir);
    orphan.add(sha('lost'), Buffer.from('lost'));
    const [orphanPack] = orphan.finish();
    // A pack with one content a version will use and one that no version uses.
    const mixed = new PackWriter(p.objectsDir);
    mixed.add(sha('kept'), Buffer.from('kept'));
    mixed.add(sha('dead weight'), Buffer.from('dead weight'));
    const batches = mixed.finish();
    p.db.transaction(() => insertPacked(p.db, batches))();
    write(p, 'k/kept.txt', 'kept');
    const v = await recordVersion(p, { path: 'k', source: 'manual' });
    // The content was found in the pack, not stored again.
    expect(p.db.prepare('SELECT pack FROM packed_objects WHERE hash = ?').pluck().get(sha('kept'))).toBe(
      batches[0].pack,
    );

    expect(await gc(p, { apply: false, graceMs: 60000 })).toMatchObject({ unreferenced: 0, young: 2 });
    expect(await gc(p, { apply: false, graceMs: 0 })).toMatchObject({
      applied: false,
      unreferenced: 2,
      bytes:
        fs.statSync(path.join(p.objectsDir, 'packs', `${orphanPack.pack}.pack`)).size + 'dead weight'.length,
    });
    expect(listPacks(p.objectsDir)).toHaveLength(2);
    expect(await gc(p, { apply: true, graceMs: 0 })).toMatchObject({ applied: true, unreferenced: 2 });
    const left = listPacks(p.objectsDir).map((x) => x.pack);
    expect(left).toHaveLength(1);
    expect(left).not.toContain(orphanPack.pack);
    expect(left).not.toContain(batches[0].pack);
    expect(p.db.prepare('SELECT hash FROM packed_objects').pluck().all()).toEqual([sha('kept')]);
    expect(intact(p)).toBe(1);
    expect(await gc(p, { apply: false, graceMs: 0 })).toMatchObject({ unreferenced: 0 });
    fs.rmSync(path.join(p.root, 'k'), { recursive: true });
    await restoreVersion(p, v.rootHash, 'k');
    expect(fs.readFileSync(path.join(p.root, 'k/kept.txt'), 'utf8')).toBe('kept');
    expect((await fsck(p)).ok).toBe(true);
  });

  it('fsck reports the contents of a missing pack as missing, and a damaged tail as bad', async () => {
    const p = project();
    write(p, 'm/a.txt', 'alpha');
    write(p, 'm/b.txt', 'bravo');
    await recordVersion(p, { path: 'm', source: 'manual' });
    const [pack] = listPacks(p.objectsDir);
    // Cut the pack inside its last entry: the entry before stays readable.
    fs.truncateSync(pack.file, pack.size - 2);
    const cut = await fsck(p);
    expect(cut.ok).toBe(false);
    expect(cut.bad.map((b) => b.hash)).toEqual([sha('bravo')]);
    expect(cut.missing.map((m) => m.path)).toEqual(['b.txt']);
    // Versioning the unchanged folder stores the lost content again.
    await recordVersion(p, { path: 'm', source: 'manual' });
    expect((await fsck(p)).ok).toBe(true);

    for (const x of listPacks(p.objectsDir)) fs.rmSync(x.file);
    const gone = await fsck(p);
    expect(gone.ok).toBe(false);
    expect(gone.missing.map((m) => m.path).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('answers "is it stored?" as locateObject does, whether asked one by one or for many at once', async () => {
    const p = project();
    for (let i = 0; i < 1200; i++) write(p, `d/f${i}.txt`, `file ${i}\n`);
    const big = Buffer.alloc(2 << 20, 7);
    write(p, 'd/big.bin', big);
    write(p, 'd/gone-big.bin', Buffer.alloc(2 << 20, 8));
    await recordVersion(p, { path: 'd', source: 'manual' });
    // A lost loose object and a packed one whose row is gone.
    fs.rmSync(objectPath(p.objectsDir, sha(Buffer.alloc(2 << 20, 8))));
    p.db.prepare('DELETE FROM packed_objects WHERE hash = ?').run(sha('file 7\n'));
    const hashes = [
      ...Array.from({ length: 1200 }, (_v, i) => sha(`file ${i}\n`)),
      sha(big),
      sha(Buffer.alloc(2 << 20, 8)),
      sha('never stored'),
    ];
    const expected = hashes.map((h) => locateObject(p.db, p.objectsDir, h) !== null);
    expect(expected.filter((x) => !x)).toHaveLength(3);
    for (const count of [1, hashes.length]) {
      const has = storeHas(p.db, p.objectsDir, count);
      expect(hashes.map(has)).toEqual(expected);
    }
  });
});
