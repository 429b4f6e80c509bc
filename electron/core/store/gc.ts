import fs from 'node:fs';
import type { GcReport } from '../../../shared/api/artifacts.js';
import { openSqlite, type Db } from '../db/sqlite.js';
import { runWorker } from '../jobs/worker.js';
import { explainFsError, type Project } from '../project/project.js';
import { ensureStore } from './api.js';
import { fileHashes } from './manifest.js';
import {
  insertPacked,
  listPacks,
  packedRowsByPack,
  PackWriter,
  readRange,
  scanPack,
  type PackEntry,
  type PackFile,
} from './packs.js';
import { endGcOfThisProcess, takeStoreForGc } from './locks.js';
import { listObjects } from './scan-objects.js';

/**
 * Objects no version references. Objects are stored before their rows are committed, so an add
 * running in another process has unreferenced objects for a while: those younger than the grace
 * period are left alone. A pack with unreferenced objects is rewritten with the others (or removed
 * when none is left); its rows move to the new pack in one transaction, before the old pack goes.
 */
export async function gc(project: Project, opts: { apply: boolean; graceMs: number }): Promise<GcReport> {
  ensureStore(project);
  // In a worker thread: reading every manifest and rewriting packs must not hold the host's event loop.
  const input: GcInput = {
    dbPath: project.dbPath,
    objectsDir: project.objectsDir,
    strataDir: project.strataDir,
    ...opts,
  };
  running.set(project.strataDir, (running.get(project.strataDir) ?? 0) + 1);
  try {
    return await runWorker<GcInput, GcReport>(new URL('./gc-worker.js', import.meta.url), input);
  } finally {
    const left = (running.get(project.strataDir) ?? 1) - 1;
    if (left > 0) running.set(project.strataDir, left);
    else {
      running.delete(project.strataDir);
      endGcOfThisProcess(project.strataDir);
    }
  }
}

/** gc workers of this process per store: the marker of the last one to end is surely stale. */
const running = new Map<string, number>();

export interface GcInput {
  dbPath: string;
  objectsDir: string;
  strataDir: string;
  apply: boolean;
  graceMs: number;
}

/** The whole of gc, run by gc-worker.ts with its own connection to the project database. */
export function collectGarbage(input: GcInput): GcReport {
  try {
    return collectIn(input);
  } catch (err) {
    throw explainFsError(
      err,
      'Cannot clean the object store',
      (err as { path?: string }).path ?? input.objectsDir,
    );
  }
}

function collectIn(input: GcInput): GcReport {
  const db = openSqlite(input.dbPath);
  try {
    const store = { db, objectsDir: input.objectsDir };
    // A dry run removes nothing: it needs no exclusive use of the store.
    if (!input.apply) return collect(store, input);
    const release = takeStoreForGc(input.strataDir);
    try {
      return collect(store, input);
    } finally {
      release();
    }
  } finally {
    db.close();
  }
}

interface Store {
  db: Db;
  objectsDir: string;
}

function collect(store: Store, opts: { apply: boolean; graceMs: number }): GcReport {
  const referenced = new Set<string>();
  for (const text of store.db.prepare('SELECT entries FROM manifests').pluck().all() as string[]) {
    for (const hash of fileHashes(text)) referenced.add(hash);
  }
  const cutoff = Date.now() - opts.graceMs;
  let unreferenced = 0;
  let bytes = 0;
  let young = 0;
  for (const o of listObjects(store.objectsDir)) {
    if (referenced.has(o.hash)) continue;
    if (o.mtimeMs > cutoff) {
      young++;
      continue;
    }
    unreferenced++;
    bytes += o.size;
    if (opts.apply) fs.rmSync(o.file, { force: true });
  }
  const byPack = packedRowsByPack(store.db);
  for (const pack of listPacks(store.objectsDir)) {
    const rows = byPack.get(pack.pack) ?? [];
    const dead = rows.filter((r) => !referenced.has(r.hash));
    // A pack without rows is left by an add that died before committing (or is being committed now).
    const orphan = rows.length === 0;
    if (!orphan && dead.length === 0) continue;
    const count = orphan ? scanPack(pack.file, () => undefined).entries : dead.length;
    if (pack.mtimeMs > cutoff) {
      young += count;
      continue;
    }
    unreferenced += count;
    bytes += orphan ? pack.size : dead.reduce((n, r) => n + r.size, 0);
    if (opts.apply)
      rewritePack(
        store,
        pack,
        rows.filter((r) => referenced.has(r.hash)),
      );
  }
  // The stat cache may name a removed content as stored; the next add checks again.
  if (opts.apply && unreferenced > 0) store.db.prepare('UPDATE stat_cache SET stored = 0').run();
  return { applied: opts.apply, unreferenced, bytes, young };
}

/** Copies the live objects of a pack into a new one, moves their rows, then removes the old pack. */
function rewritePack(store: Store, pack: PackFile, live: PackEntry[]): void {
  const writer = new PackWriter(store.objectsDir);
  try {
    for (const r of live) writer.add(r.hash, readRange({ file: pack.file, offset: r.offset, size: r.size }));
    const batches = writer.finish();
    store.db.transaction(() => {
      store.db.prepare('DELETE FROM packed_objects WHERE pack = ?').run(pack.pack);
      insertPacked(store.db, batches);
    })();
  } catch (err) {
    writer.abandon();
    throw explainFsError(err, 'Cannot rewrite the pack', pack.file);
  }
  fs.rmSync(pack.file, { force: true });
}
