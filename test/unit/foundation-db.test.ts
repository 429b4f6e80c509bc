import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, readVersion, type Migration } from '../../electron/core/db/migrations.js';
import { openSqlite } from '../../electron/core/db/sqlite.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dbFile(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'test.db');
}

const m1: Migration = { version: 1, name: 'a', up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT') };
const m2: Migration = { version: 2, name: 'b', up: (db) => db.exec('CREATE TABLE b (y INTEGER) STRICT') };

describe('SQLite and migrations', () => {
  it('opens in WAL mode with foreign keys and a busy timeout', () => {
    const db = openSqlite(dbFile(), { busyTimeout: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });

  it('applies pending migrations in order and records user_version', () => {
    const file = dbFile();
    const db = openSqlite(file);
    expect(migrate(db, [m2, m1], file)).toBe(2);
    expect(readVersion(db)).toBe(2);
    expect(
      db.prepare("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name").pluck().all(),
    ).toEqual(['a', 'b']);
    expect(migrate(db, [m1, m2], file)).toBe(2);
    db.close();
  });

  it('rolls back a failing migration whole, keeping the previous version', () => {
    const file = dbFile();
    const db = openSqlite(file);
    migrate(db, [m1], file);
    const bad: Migration = {
      version: 2,
      name: 'bad',
      up: (d) => {
        d.exec('CREATE TABLE half (z INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [m1, bad], file)).toThrow('boom');
    expect(readVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name='half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database from a newer schema and leaves it untouched', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.exec('CREATE TABLE future (q INTEGER)');
    raw.pragma('user_version = 99');
    raw.close();
    const before = fs.readFileSync(file);
    const db = openSqlite(file);
    let err: unknown;
    try {
      migrate(db, [m1, m2], file);
    } catch (e) {
      err = e;
    }
    db.close();
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('SCHEMA_TOO_NEW');
    expect((err as StrataError).message).toContain('newer version of Strata');
    expect(readVersion(new Database(file, { readonly: true }))).toBe(99);
    expect(fs.readFileSync(file).subarray(100).equals(before.subarray(100))).toBe(true);
  });

  it('rejects two migrations with the same number', () => {
    const file = dbFile();
    const db = openSqlite(file);
    expect(() => migrate(db, [m1, { ...m2, version: 1 }], file)).toThrow(/Two migrations claim version 1/);
    db.close();
  });
});
