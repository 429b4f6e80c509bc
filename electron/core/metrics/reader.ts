import { openSqlite, type Db } from '../db/sqlite.js';
import type { Project } from '../project/project.js';

const MMAP_BYTES = 1 << 30;
const CACHE_KIB = 64 * 1024;

const readers = new WeakMap<Project, Db>();

/**
 * A read-only connection for metric series, with the database memory-mapped and a large page cache:
 * a million-point series is ~16 MB of blobs, which the engine's own connection (small cache, no
 * mmap) reads page by page through system calls. Reading here also never waits on a writer (WAL).
 */
export function seriesDb(project: Project): Db {
  let db = readers.get(project);
  if (!db || !db.open) {
    db = openSeriesReader(project.dbPath);
    readers.set(project, db);
  }
  return db;
}

/** A new connection with the settings above; benchmarks open their comparators through it too. */
export function openSeriesReader(dbPath: string): Db {
  const db = openSqlite(dbPath, { readonly: true });
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  db.pragma(`cache_size = -${CACHE_KIB}`);
  return db;
}

export function closeSeriesDb(project: Project): void {
  readers.get(project)?.close();
  readers.delete(project);
}
