import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;
export type Statement = Database.Statement;

/**
 * Under Electron the main process has its own ABI, so it loads a separate build of better-sqlite3
 * (made by scripts/build-electron-native.js into build/electron-native/). The Node build in
 * node_modules, used by the CLI, the browser host and the tests, is never replaced.
 */
function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const fromEnv = process.env.STRATA_SQLITE_BINDING;
  if (fromEnv) return fromEnv;
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const base of [
    path.resolve(here, '../../../..'),
    (process as { resourcesPath?: string }).resourcesPath ?? '',
  ]) {
    const candidate = path.join(base, 'build', 'electron-native', 'better_sqlite3.node');
    if (base && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface OpenOptions {
  readonly?: boolean;
  /** ms to wait for another process's write lock before giving up with SQLITE_BUSY */
  busyTimeout?: number;
}

export function openSqlite(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
    timeout: opts.busyTimeout ?? 5000,
    nativeBinding: nativeBinding(),
  });
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
}
