import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { hashPath, recordVersion, restoreVersion } from '../../electron/core/store/api.js';
import { fsck } from '../../electron/core/store/fsck.js';
import { listVersions, requireArtifact, resolveRef } from '../../electron/core/store/repo.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';
import { storeOf, throwawayProjects } from '../helpers/store.js';

const { project, cleanups } = throwawayProjects();

function write(p: Project, rel: string, data: string | Buffer): void {
  const f = path.join(p.root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
}

async function expectError(promise: Promise<unknown>, code: string, text?: RegExp): Promise<StrataError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrataError);
  expect((err as StrataError).code).toBe(code);
  if (text) expect((err as StrataError).message).toMatch(text);
  return err as StrataError;
}

describe('recordVersion / hashPath / restoreVersion', () => {
  it('versions a folder, stores each content once, and returns the same version when nothing changed', async () => {
    const p = project();
    write(p, 'data/a.csv', 'x,y\n1,2\n');
    write(p, 'data/sub/b.csv', 'x,y\n1,2\n');
    write(p, 'data/c.bin', Buffer.alloc(3 << 20, 7));
    const v1 = await recordVersion(p, { path: 'data', kind: 'dataset', source: 'manual', message: 'first' });
    expect(v1).toMatchObject({ artifact: 'data', version: 1, created: true });
    expect(v1.rootHash).toMatch(/^[0-9a-f]{64}$/);
    // Two contents: the CSV (in a pack, stored once for both paths) and the 3 MiB file (an object file of its own).
    expect(storeOf(p.root).intact((a, b, what) => expect(a, what).toBe(b))).toBe(2);
    expect(p.db.prepare('SELECT count(*) FROM packed_objects').pluck().get()).toBe(1);
    const again = await recordVersion(p, { path: 'data', source: 'manual' });
    expect(again).toMatchObject({ id: v1.id, version: 1, created: false });
    expect(await hashPath(p, 'data')).toBe(v1.rootHash);
    write(p, 'data/a.csv', 'x,y\n1,3\n');
    expect(await hashPath(p, 'data')).not.toBe(v1.rootHash);
    const v2 = await recordVersion(p, { path: 'data', source: 'run', runId: 'run-42' });
    expect(v2).toMatchObject({ version: 2, created: true });
    const versions = listVersions(p, requireArtifact(p, 'data').id);
    expect(versions.map((v) => [v.number, v.source, v.runId, v.parent, v.fileCount])).toEqual([
      [2, 'run', 'run-42', 1, 3],
      [1, 'manual', null, null, 3],
    ]);
    expect(versions[1].totalBytes).toBe(8 + 8 + (3 << 20));
  });

  it('restores a version exactly: contents, modes, empty folders, and removes files the version lacks', async () => {
    const p = project();
    write(p, 'm/weights.bin', Buffer.from([1, 2, 3]));
    write(p, 'm/run.sh', '#!/bin/sh\n');
    fs.chmodSync(path.join(p.root, 'm/run.sh'), 0o755);
    fs.mkdirSync(path.join(p.root, 'm/empty'));
    write(p, 'm/ünï côde\nname.txt', 'hello');
    const v1 = await recordVersion(p, { path: 'm', kind: 'model', source: 'manual' });
    write(p, 'm/weights.bin', Buffer.from([9]));
    write(p, 'm/extra.txt', 'new');
    fs.rmSync(path.join(p.root, 'm/empty'), { recursive: true });
    await recordVersion(p, { path: 'm', source: 'manual' });
    await restoreVersion(p, v1.rootHash, 'm');
    expect([...fs.readFileSync(path.join(p.root, 'm/weights.bin'))]).toEqual([1, 2, 3]);
    expect(fs.existsSync(path.join(p.root, 'm/extra.txt'))).toBe(false);
    expect(fs.statSync(path.join(p.root, 'm/empty')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(p.root, 'm/run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(path.join(p.root, 'm/ünï côde\nname.txt'), 'utf8')).toBe('hello');
    expect(await hashPath(p, 'm')).toBe(v1.rootHash);
  });

  it('checks out copies, never hard links: editing the workspace leaves the store intact', async () => {
    const p = project();
    write(p, 'f.txt', 'original');
    const v1 = await recordVersion(p, { path: 'f.txt', source: 'manual' });
    await restoreVersion(p, v1.rootHash, 'f.txt');
    expect(fs.statSync(path.join(p.root, 'f.txt')).nlink).toBe(1);
    fs.appendFileSync(path.join(p.root, 'f.txt'), ' edited');
    const [entryHash] = /[0-9a-f]{64}/.exec(
      p.db.prepare('SELECT entries FROM manifests').pluck().get() as string,
    )!;
    expect(storeOf(p.root).read(entryHash)?.toString()).toBe('original');
  });

  it('treats empty files and an empty folder as content', async () => {
    const p = project();
    write(p, 'e/empty.txt', '');
    const v1 = await recordVersion(p, { path: 'e', source: 'manual' });
    fs.rmSync(path.join(p.root, 'e/empty.txt'));
    const v2 = await recordVersion(p, { path: 'e', source: 'manual' });
    expect(v2.rootHash).not.toBe(v1.rootHash);
    await restoreVersion(p, v1.rootHash, 'e');
    expect(fs.readFileSync(path.join(p.root, 'e/empty.txt'), 'utf8')).toBe('');
    await restoreVersion(p, v2.rootHash, 'e');
    expect(fs.readdirSync(path.join(p.root, 'e'))).toEqual([]);
  });

  it('hashPath returns null for a missing path and writes no objects', async () => {
    const p = project();
    expect(await hashPath(p, 'nothing/here')).toBeNull();
    write(p, 'x.txt', 'abc');
    expect(await hashPath(p, 'x.txt')).toMatch(/^[0-9a-f]{64}$/);
    const files = fs
      .readdirSync(p.objectsDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile());
    expect(files).toHaveLength(0);
  });

  it('stores the content of a file first seen by hashPath when it is later versioned', async () => {
    const p = project();
    write(p, 'd/x.txt', 'abc');
    fs.utimesSync(path.join(p.root, 'd/x.txt'), new Date(Date.now() - 10000), new Date(Date.now() - 10000));
    const h = await hashPath(p, 'd');
    expect(p.db.prepare('SELECT count(*) FROM stat_cache').pluck().get()).toBe(1);
    const v = await recordVersion(p, { path: 'd', source: 'manual' });
    expect(v.rootHash).toBe(h);
    fs.rmSync(path.join(p.root, 'd'), { recursive: true });
    await restoreVersion(p, v.rootHash, 'd');
    expect(fs.readFileSync(path.join(p.root, 'd/x.txt'), 'utf8')).toBe('abc');
  });

  it('resolves refs by number, alias and latest, and names a missing ref clearly', async () => {
    const p = project();
    write(p, 'a.txt', '1');
    await recordVersion(p, { path: 'a.txt', name: 'a', source: 'manual' });
    write(p, 'a.txt', '2');
    await recordVersion(p, { path: 'a.txt', name: 'a', source: 'manual' });
    expect(resolveRef(p, 'a', 'latest').number).toBe(2);
    expect(resolveRef(p, 'a', '1').number).toBe(1);
    expect(() => resolveRef(p, 'a', '9')).toThrow(/a@9 does not exist: versions are 1 to 2/);
    expect(() => resolveRef(p, 'a', 'champion')).toThrow(/does not exist/);
    expect(() => resolveRef(p, 'nope', '1')).toThrow(/No artifact named "nope"/);
  });

  it('refuses paths outside the project, symlinks leaving it, and .strata itself', async () => {
    const p = project();
    const outside = tempDir();
    cleanups.push(outside.cleanup);
    fs.writeFileSync(path.join(outside.dir, 'secret.txt'), 's');
    await expectError(
      recordVersion(p, { path: '../x', source: 'manual' }),
      'PATH_ESCAPES_PROJECT',
      /outside the project/,
    );
    await expectError(recordVersion(p, { path: outside.dir, source: 'manual' }), 'PATH_ESCAPES_PROJECT');
    fs.symlinkSync(path.join(outside.dir, 'secret.txt'), path.join(p.root, 'link.txt'));
    await expectError(
      recordVersion(p, { path: 'link.txt', source: 'manual' }),
      'PATH_ESCAPES_PROJECT',
      /symlink/,
    );
    write(p, 'd/ok.txt', 'ok');
    fs.symlinkSync(outside.dir, path.join(p.root, 'd/escape'));
    await expectError(recordVersion(p, { path: 'd', source: 'manual' }), 'PATH_ESCAPES_PROJECT', /symlink/);
    await expectError(
      recordVersion(p, { path: '.strata/strata.db', source: 'manual' }),
      'BAD_REQUEST',
      /\.strata/,
    );
    await expectError(recordVersion(p, { path: 'missing', source: 'manual' }), 'NOT_FOUND');
    expect(p.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(0);
    expect(p.db.prepare('SELECT count(*) FROM artifacts').pluck().get()).toBe(0);
  });

  // root reads every file whatever its mode, so there the permission cannot be taken away.
  it.skipIf(process.getuid?.() === 0)(
    'reports an unreadable file and leaves no version and no temp files',
    async () => {
      const p = project();
      write(p, 'd/ok.txt', 'ok');
      write(p, 'd/locked.txt', 'no');
      fs.chmodSync(path.join(p.root, 'd/locked.txt'), 0);
      await expectError(
        recordVersion(p, { path: 'd', source: 'manual' }),
        'PERMISSION_DENIED',
        /locked\.txt/,
      );
      expect(p.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(0);
      expect(fs.readdirSync(path.join(p.objectsDir, 'tmp'))).toEqual([]);
    },
  );

  it('keeps one name per path and refuses a name already used for another path', async () => {
    const p = project();
    write(p, 'a/train.csv', '1');
    write(p, 'b/train.csv', '2');
    expect((await recordVersion(p, { path: 'a/train.csv', source: 'manual' })).artifact).toBe('train');
    expect((await recordVersion(p, { path: 'b/train.csv', source: 'manual' })).artifact).toBe('train-2');
    await expectError(
      recordVersion(p, { path: 'b/train.csv', name: 'train', source: 'manual' }),
      'CONFLICT',
      /already tracks a\/train.csv/,
    );
    await expectError(
      recordVersion(p, { path: 'b/train.csv', name: 'bad name', source: 'manual' }),
      'BAD_REQUEST',
    );
  });

  it('with reuseAnyVersion (the watcher after a checkout) returns the older version with that content', async () => {
    const p = project();
    write(p, 'w.txt', 'one');
    const v1 = await recordVersion(p, { path: 'w.txt', source: 'watch' });
    write(p, 'w.txt', 'two');
    await recordVersion(p, { path: 'w.txt', source: 'watch' });
    write(p, 'w.txt', 'one');
    expect(await recordVersion(p, { path: 'w.txt', source: 'watch', reuseAnyVersion: true })).toMatchObject({
      id: v1.id,
      version: 1,
      created: false,
    });
    expect(await recordVersion(p, { path: 'w.txt', source: 'manual' })).toMatchObject({
      version: 3,
      created: true,
    });
  });

  it('after fsck quarantines a damaged object, versioning the unchanged folder stores its content again', async () => {
    const p = project();
    write(p, 'q/a.txt', 'precious');
    write(p, 'q/b.txt', 'other');
    const old = new Date(Date.now() - 10000);
    for (const f of ['q/a.txt', 'q/b.txt']) fs.utimesSync(path.join(p.root, f), old, old);
    const v1 = await recordVersion(p, { path: 'q', source: 'manual' });
    expect(p.db.prepare('SELECT count(*) FROM stat_cache WHERE stored = 1').pluck().get()).toBe(2);
    const hash = /([0-9a-f]{64}) "a.txt"/.exec(
      p.db.prepare('SELECT entries FROM manifests').pluck().get() as string,
    )![1];
    storeOf(p.root).damage(hash, 'rotten');
    const report = await fsck(p);
    expect(report.ok).toBe(false);
    expect(report.bad.map((b) => b.hash)).toEqual([hash]);
    expect(await recordVersion(p, { path: 'q', source: 'manual' })).toMatchObject({
      id: v1.id,
      created: false,
    });
    expect(storeOf(p.root).read(hash)?.toString()).toBe('precious');
    expect((await fsck(p)).ok).toBe(true);
  });
});
