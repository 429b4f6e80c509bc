import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import type { FsckReport } from '../../shared/api/artifacts.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';
import { storeOf } from '../helpers/store.js';

// The store calls of the UI (check, clean up, alias history), through the engine as a host calls them.
let engine: Engine;
let root: string;
const cleanups: (() => void)[] = [];
beforeEach(() => {
  const home = tempDir('strata-home-');
  const project = tempDir();
  cleanups.push(home.cleanup, project.cleanup);
  process.env.STRATA_HOME = home.dir;
  root = project.dir;
  Project.init(root).close();
  engine = new Engine();
  engine.openProject(root);
});
afterEach(async () => {
  await engine.shutdown();
  cleanups.splice(0).forEach((c) => c());
  delete process.env.STRATA_HOME;
});

async function rejection(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err instanceof StrataError) return err;
  throw new Error(`expected a StrataError, got ${String(err)}`);
}

async function finished(id: string): Promise<JobInfo> {
  for (let i = 0; i < 400; i++) {
    const job = (await engine.invoke('jobs.list', {})).find((j) => j.id === id);
    if (job && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

function write(rel: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

async function add(rel: string, kind: 'dataset' | 'model' = 'dataset'): Promise<void> {
  const job = await finished((await engine.invoke('artifacts.add', { path: rel, kind })).jobId);
  expect(job.state, JSON.stringify(job.error)).toBe('done');
}

async function hashOf(artifact: string, ref: string, file: string): Promise<string> {
  const { entries } = await engine.invoke('artifacts.tree', { artifact, ref });
  return entries.find((e) => e.path === file)!.hash;
}

describe('artifacts.aliasHistory', () => {
  it('lists every move of every alias, oldest first, with the version it left', async () => {
    write('models/m.bin', 'weights 1');
    await add('models/m.bin', 'model');
    write('models/m.bin', 'weights 2');
    await add('models/m.bin', 'model');
    expect(await engine.invoke('artifacts.aliasHistory', { artifact: 'm' })).toEqual([]);
    await engine.invoke('artifacts.tag', { artifact: 'm', ref: '1', alias: 'champion' });
    await engine.invoke('artifacts.tag', { artifact: 'm', ref: '2', alias: 'champion' });
    // Setting an alias where it already is changes nothing, so it is no move.
    await engine.invoke('artifacts.tag', { artifact: 'm', ref: '2', alias: 'champion' });
    await engine.invoke('artifacts.tag', { artifact: 'm', ref: '1', alias: 'rollback' });
    const history = await engine.invoke('artifacts.aliasHistory', { artifact: 'm' });
    expect(history.map(({ at: _at, ...h }) => h)).toEqual([
      { alias: 'champion', version: 1, previous: null },
      { alias: 'champion', version: 2, previous: 1 },
      { alias: 'rollback', version: 1, previous: null },
    ]);
    for (const h of history) expect(Math.abs(Date.parse(h.at) - Date.now())).toBeLessThan(60_000);

    const unknown = await rejection(engine.invoke('artifacts.aliasHistory', { artifact: 'nope' }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toMatch(/No artifact named "nope". Known: m/);
    expect((await rejection(engine.call('artifacts.aliasHistory', { artifact: '' }))).message).toMatch(
      /an artifact name is required/,
    );
  });
});

describe('artifacts.fsck', () => {
  it('runs as a job counting objects; its result names the quarantined contents and the versions and files that lost them', async () => {
    // One content over 1 MiB (a loose object) and two small ones (packed).
    write('data/big.bin', crypto.randomBytes(1_200_000));
    write('data/a.csv', 'x,y\n1,2\n');
    write('data/notes/b.txt', 'hello');
    await add('data');
    const big = await hashOf('data', '1', 'big.bin');
    const small = await hashOf('data', '1', 'notes/b.txt');
    const store = storeOf(root);
    expect(store.packed(small)).toBe(true);
    expect(store.packed(big)).toBe(false);

    const clean = await finished((await engine.invoke('artifacts.fsck', {})).jobId);
    expect(clean).toMatchObject({ state: 'done', unit: 'objects', label: 'Checking the object store' });
    expect(clean.result).toMatchObject({
      ok: true,
      objects: 3,
      manifests: 1,
      bad: [],
      missing: [],
      badManifests: [],
    });

    const rotten = new Map([big, small].map((h) => [h, store.damage(h, 'rot')]));
    const { jobId } = await engine.invoke('artifacts.fsck', {});
    // A second request while the check runs joins it; a clean-up must wait for it.
    expect((await engine.invoke('artifacts.fsck', {})).jobId).toBe(jobId);
    const busy = await rejection(engine.invoke('artifacts.gc', { apply: true }));
    expect(busy.code).toBe('CONFLICT');
    expect(busy.message).toMatch(/being checked/);
    expect(await engine.invoke('artifacts.gc', { apply: false })).toMatchObject({ applied: false });

    const job = await finished(jobId);
    expect(job).toMatchObject({ state: 'done', done: 3, total: 3 });
    const report = job.result as FsckReport;
    expect(report.ok).toBe(false);
    expect(report.bad.map((b) => b.hash).sort()).toEqual([big, small].sort());
    for (const b of report.bad) {
      expect(path.dirname(b.quarantinedTo)).toBe(path.join(root, '.strata', 'quarantine'));
      expect(fs.readFileSync(b.quarantinedTo)).toEqual(rotten.get(b.hash));
    }
    expect(report.missing.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { artifact: 'data', version: 1, path: 'big.bin', hash: big },
      { artifact: 'data', version: 1, path: 'notes/b.txt', hash: small },
    ]);
    // The next check joins no finished job: it starts a new one, which finds the losses but nothing left to quarantine.
    const again = await finished((await engine.invoke('artifacts.fsck', {})).jobId);
    expect(again.id).not.toBe(jobId);
    expect(again.result).toMatchObject({ ok: false, bad: [], missing: report.missing });

    // What the panel tells a person to do: versioning the same files again stores their contents again.
    await add('data');
    expect((await finished((await engine.invoke('artifacts.fsck', {})).jobId)).result).toMatchObject({
      ok: true,
      missing: [],
    });
  });

  it('is cancellable from the jobs tray', async () => {
    for (let i = 0; i < 40; i++) write(`data/f${i}.bin`, crypto.randomBytes(1_100_000));
    await add('data');
    const { jobId } = await engine.invoke('artifacts.fsck', {});
    await engine.invoke('jobs.cancel', { id: jobId });
    expect((await finished(jobId)).state).toBe('cancelled');
    // Cancelled, it no longer holds back a clean-up or a new check.
    expect(await engine.invoke('artifacts.gc', { apply: true })).toMatchObject({
      applied: true,
      unreferenced: 0,
    });
    expect((await engine.invoke('artifacts.fsck', {})).jobId).not.toBe(jobId);
  });
});

describe('artifacts.gc', () => {
  it('counts on a dry run, removes on apply, keeps young contents, and refuses while the store is in use', async () => {
    write('data.csv', 'a,b\n1,2\n');
    await add('data.csv');
    const objects = path.join(root, '.strata', 'objects');
    // Contents stored under their true names that no version references.
    const orphan = (content: string, ageMinutes: number) => {
      const hash = crypto.createHash('sha256').update(content).digest('hex');
      const file = path.join(objects, hash.slice(0, 2), hash.slice(2));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      const t = new Date(Date.now() - ageMinutes * 60_000);
      fs.utimesSync(file, t, t);
      return file;
    };
    const old = orphan('left by an add that died', 60);
    const young = orphan('an add may be writing me', 2);
    const before = (await engine.invoke('project.status', {})).objects;

    expect(await engine.invoke('artifacts.gc', { apply: false })).toEqual({
      applied: false,
      unreferenced: 1,
      bytes: 24,
      young: 1,
    });
    expect(await engine.invoke('artifacts.gc', { apply: false, graceMinutes: 1 })).toEqual({
      applied: false,
      unreferenced: 2,
      bytes: 48,
      young: 0,
    });
    expect(fs.existsSync(old)).toBe(true);
    expect((await rejection(engine.call('artifacts.gc', { apply: true, graceMinutes: -1 }))).message).toMatch(
      /graceMinutes cannot be negative/,
    );
    expect((await rejection(engine.call('artifacts.gc', {}))).code).toBe('BAD_REQUEST');

    // Another process versioning (its marker in .strata/locks/, alive): gc --yes steps back and says why.
    const marker = path.join(root, '.strata', 'locks', `use-${process.pid}-test`);
    fs.writeFileSync(marker, '');
    const inUse = await rejection(engine.invoke('artifacts.gc', { apply: true }));
    expect(inUse.code).toBe('CONFLICT');
    expect(inUse.message).toMatch(/object store is in use/);
    expect(fs.existsSync(old)).toBe(true);
    fs.rmSync(marker);

    expect(await engine.invoke('artifacts.gc', { apply: true })).toEqual({
      applied: true,
      unreferenced: 1,
      bytes: 24,
      young: 1,
    });
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(young)).toBe(true);
    expect((await engine.invoke('project.status', {})).objects).toEqual({
      count: before.count - 1,
      bytes: before.bytes - 24,
    });
    expect((await finished((await engine.invoke('artifacts.fsck', {})).jobId)).result).toMatchObject({
      ok: true,
    });
  });
});
