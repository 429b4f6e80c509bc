import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  appliedMigrations,
  migrate,
  TABLE_SCHEME_VERSION,
  type Migration,
} from '../../electron/core/db/migrations.js';
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

const m1: Migration = { id: 'test.a', name: 'a', up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT') };
const m2: Migration = { id: 'test.b', name: 'b', up: (db) => db.exec('CREATE TABLE b (y INTEGER) STRICT') };
const ids = (db: Database.Database) => appliedMigrations(db).map((a) => a.id);

describe('SQLite and migrations', () => {
  it('opens in WAL mode with foreign keys and a busy timeout', () => {
    const db = openSqlite(dbFile(), { busyTimeout: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });

  it('applies each pending migration once, in list order, and records it', () => {
    const file = dbFile();
    const db = openSqlite(file);
    expect(migrate(db, [m1, m2], file).applied).toEqual(['test.a', 'test.b']);
    expect(ids(db)).toEqual(['test.a', 'test.b']);
    expect(appliedMigrations(db)[0]).toMatchObject({ name: 'a', how: 'applied', checksum: /^[0-9a-f]{64}$/ });
    expect(
      db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type='table' AND name != 'applied_migrations' ORDER BY name",
        )
        .pluck()
        .all(),
    ).toEqual(['a', 'b']);
    expect(migrate(db, [m1, m2], file).applied).toEqual([]);
    expect(db.pragma('user_version', { simple: true })).toBe(TABLE_SCHEME_VERSION);
    db.close();
  });

  it('applies a migration added earlier in the list to a database that has later ones', () => {
    // The defect of user_version as a high-water mark: a database at 30 never got 11-13.
    const file = dbFile();
    const db = openSqlite(file);
    migrate(db, [m2], file);
    expect(migrate(db, [m1, m2], file).applied).toEqual(['test.a']);
    expect(ids(db)).toEqual(['test.b', 'test.a']);
    db.close();
  });

  it('rolls back a failing migration whole, keeping the ones before it', () => {
    const file = dbFile();
    const db = openSqlite(file);
    migrate(db, [m1], file);
    const bad: Migration = {
      id: 'test.bad',
      name: 'bad',
      up: (d) => {
        d.exec('CREATE TABLE half (z INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [m1, bad], file)).toThrow('boom');
    expect(ids(db)).toEqual(['test.a']);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name='half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database that names a migration this list lacks, and leaves it untouched', () => {
    const file = dbFile();
    const newer = openSqlite(file);
    migrate(newer, [m1, m2], file);
    newer.pragma('wal_checkpoint(TRUNCATE)');
    newer.close();
    const before = fs.readFileSync(file);
    const db = openSqlite(file);
    let err: unknown;
    try {
      migrate(db, [m1], file);
    } catch (e) {
      err = e;
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('SCHEMA_TOO_NEW');
    expect((err as StrataError).message).toContain('newer version of Strata');
    expect((err as StrataError).message).toContain('test.b');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database whose migration was applied in another form', () => {
    const file = dbFile();
    const db = openSqlite(file);
    migrate(db, [m1], file);
    const edited: Migration = { ...m1, up: (d) => d.exec('CREATE TABLE a (x INTEGER, extra TEXT) STRICT') };
    let err: unknown;
    try {
      migrate(db, [edited, m2], file);
    } catch (e) {
      err = e;
    }
    expect((err as StrataError).code).toBe('SCHEMA_MISMATCH');
    expect((err as StrataError).message).toContain('test.a');
    expect(ids(db)).toEqual(['test.a']);
    db.close();
  });

  it('adopts what a database from before the table already has, and applies the rest', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.exec('CREATE TABLE b (y INTEGER) STRICT');
    raw.pragma('user_version = 30');
    raw.close();
    const db = openSqlite(file);
    expect(migrate(db, [m1, m2], file)).toEqual({ applied: ['test.a'], adopted: ['test.b'] });
    expect(appliedMigrations(db).map((a) => [a.id, a.how])).toEqual([
      ['test.b', 'adopted'],
      ['test.a', 'applied'],
    ]);
    db.close();
  });

  it('refuses a database from before the table that holds part of a migration', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.exec('CREATE TABLE a (x INTEGER) STRICT');
    raw.pragma('user_version = 10');
    raw.close();
    const both: Migration = {
      id: 'test.both',
      name: 'both',
      up: (d) => d.exec('CREATE TABLE a (x INTEGER) STRICT; CREATE TABLE c (z INTEGER) STRICT'),
    };
    const db = openSqlite(file);
    expect(() => migrate(db, [both], file)).toThrow(/holds part of migration test\.both.*table:a.*table:c/);
    expect(appliedMigrations(db)).toEqual([]);
    db.close();
  });

  it('rejects two migrations with the same id, and ids that are not domain.what', () => {
    const file = dbFile();
    const db = openSqlite(file);
    expect(() => migrate(db, [m1, { ...m2, id: 'test.a' }], file)).toThrow(/Two migrations claim id test.a/);
    expect(() => migrate(db, [{ ...m1, id: 'Test A' }], file)).toThrow(/not of the form/);
    db.close();
  });
});
