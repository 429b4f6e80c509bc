import type { RunsTableWire, SeriesX } from '../../../shared/api/compare.js';
import { openSqlite, type Db } from '../db/sqlite.js';
import { readRunsTable } from './read-table.js';
import { compareSeries } from './series.js';
import { serveWorker } from '../jobs/worker.js';

export type CompareTask =
  | { op: 'table'; dbPath: string }
  | { op: 'series'; dbPath: string; runIds: string[]; key: string; points: number; x: SeriesX };

// A long-lived worker answering one task at a time. It keeps a read-only connection to the last
// project it read: WAL lets it read while the engine's own connection keeps writing, and each
// statement sees the newest committed data.
let open: { path: string; db: Db } | null = null;
/**
 * The last table read, with SQLite's data_version at the time: it changes whenever another connection
 * commits, so an unchanged number means the same table, served again without reading it.
 */
let lastTable: { path: string; version: number; table: RunsTableWire } | null = null;

function dbFor(path: string): Db {
  if (open?.path !== path) {
    open?.db.close();
    lastTable = null;
    open = { path, db: openSqlite(path, { readonly: true }) };
  }
  return open.db;
}

function table(db: Db, path: string): RunsTableWire {
  const version = db.pragma('data_version', { simple: true }) as number;
  if (lastTable?.path === path && lastTable.version === version) return lastTable.table;
  const t = readRunsTable(db);
  lastTable = { path, version, table: t };
  return t;
}

function run(task: CompareTask): unknown {
  const db = dbFor(task.dbPath);
  return task.op === 'table'
    ? table(db, task.dbPath)
    : compareSeries(db, task.runIds, task.key, task.points, task.x);
}

serveWorker<CompareTask, unknown>(run);
