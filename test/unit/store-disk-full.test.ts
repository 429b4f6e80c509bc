import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { fsck } from '../../electron/core/store/fsck.js';
import { StrataError } from '../../shared/errors.js';
import { storeOf } from '../helpers/store.js';

// A real full disk: the project lives on a small tmpfs. Mounting needs root (CI and these machines
// run as root); elsewhere the test says why it cannot run.
function mountTmpfs(): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir]).status === 0) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return null;
}
const probe = mountTmpfs();
const mounted = probe !== null;
if (probe) spawnSync('umount', [probe]);
let mountDir = '';
const cleanups: (() => void | Promise<void>)[] = [];
beforeEach(() => {
  if (mounted) mountDir = mountTmpfs() as string;
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  if (!mounted) return;
  spawnSync('umount', [mountDir]);
  fs.rmSync(mountDir, { recursive: true, force: true });
});

function fill(file: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, crypto.randomBytes(bytes));
}

describe.skipIf(!mounted)('a full disk (a 6 MiB tmpfs; mounting one needs root)', () => {
  it('gives DISK_FULL naming the store, keeps the store and the database consistent, and works once space is freed', async () => {
    const root = path.join(mountDir, 'proj');
    fs.mkdirSync(root);
    const p = Project.init(root);
    cleanups.push(() => p.close());
    for (let i = 0; i < 64; i++) fill(path.join(root, 'small', `${i}.bin`), 4096);
    const v1 = await recordVersion(p, { path: 'small', source: 'manual' });
    // 2 × 1.5 MiB in the workspace; storing them needs another 3 MiB, which the disk does not have.
    fill(path.join(root, 'big', 'a.bin'), 3 << 19);
    fill(path.join(root, 'big', 'b.bin'), 3 << 19);
    for (let i = 0; i < 200; i++) fill(path.join(root, 'big', 'many', `${i}.bin`), 4096);
    const err = await recordVersion(p, { path: 'big', source: 'manual' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('DISK_FULL');
    expect((err as StrataError).message).toMatch(/disk .* is full/);
    // Nothing half-made is left: no version row for big, no temp files, every stored content intact.
    expect(
      p.db
        .prepare(
          "SELECT count(*) FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.path = 'big'",
        )
        .pluck()
        .get(),
    ).toBe(0);
    expect(fs.readdirSync(path.join(p.objectsDir, 'tmp'))).toEqual([]);
    storeOf(root).intact((a, b, what) => expect(a, what).toBe(b));
    const report = await fsck(p);
    expect(report.ok).toBe(true);
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');

    // Free space: the same add now succeeds, and the first version is untouched.
    fs.rmSync(path.join(root, 'big', 'b.bin'));
    const v2 = await recordVersion(p, { path: 'big', source: 'manual' });
    expect(v2.created).toBe(true);
    expect(await recordVersion(p, { path: 'small', source: 'manual' })).toMatchObject({
      id: v1.id,
      created: false,
    });
    expect((await fsck(p)).ok).toBe(true);
  });

  it('a database write on a full disk (tagging) is DISK_FULL naming the database, and the database stays intact', async () => {
    const root = path.join(mountDir, 'proj');
    fs.mkdirSync(root);
    fill(path.join(root, 'm.bin'), 1000);
    const engine = new Engine();
    cleanups.push(() => engine.shutdown());
    Project.init(root).close();
    engine.openProject(root);
    const p = engine.requireProject();
    await recordVersion(p, { path: 'm.bin', name: 'm', kind: 'model', source: 'manual' });
    // Fill every byte left.
    const fd = fs.openSync(path.join(root, 'filler'), 'w');
    const chunk = Buffer.alloc(64 << 10, 1);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const aliases = Array.from({ length: 400 }, (_v, i) => `alias-with-a-long-name-to-fill-pages-${i}`);
    let err: unknown = null;
    for (const alias of aliases) {
      err = await engine.invoke('artifacts.tag', { artifact: 'm', ref: '1', alias }).then(
        () => null,
        (e: unknown) => e,
      );
      if (err) break;
    }
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('DISK_FULL');
    expect((err as StrataError).where?.file).toBe(p.dbPath);
    fs.rmSync(path.join(root, 'filler'));
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await fsck(p)).ok).toBe(true);
  });
});
