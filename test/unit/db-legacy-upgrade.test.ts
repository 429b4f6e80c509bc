import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { openSqlite } from '../../electron/core/db/sqlite.js';
import { appliedMigrations, migrate } from '../../electron/core/db/migrations.js';
import { normaliseSql } from '../../electron/core/db/migration-effects.js';
import { migrations } from '../../electron/core/db/schema.js';
import { runCli, tempDir, repoRoot } from '../helpers/cli.js';

// Databases written by every release of the user_version scheme (generated from git history by
// test/fixtures/legacy-db/generate.mjs), upgraded and compared with a database created today.
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'legacy-db');
const index = JSON.parse(fs.readFileSync(path.join(fixtures, 'index.json'), 'utf8')) as {
  releases: string[];
  databases: { file: string; sequences: number; openedBy: string[] }[];
};
const lastLegacy = index.releases[index.releases.length - 1];

/**
 * The migrations that existed when the table of applied migrations replaced user_version. Those added
 * since (by any domain) are new to every legacy database: they are checked to apply, and left out
 * where a test is about what the old scheme did.
 */
const LEGACY_IDS = new Set([
  'foundation',
  'store.versioning',
  'store.stat-cache-stored',
  'store.packs',
  'store.stat-cache-mode',
  'store.drop-pack-index',
  'store.format-2',
  'runs.runs',
  'compare.views',
]);
const newIds = migrations.map((m) => m.id).filter((id) => !LEGACY_IDS.has(id));
const legacyOnly = (ids: string[]) => ids.filter((id) => LEGACY_IDS.has(id));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function tmp(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Everything a schema is: objects, columns, indexes, keys, the pragmas kept in the file, meta. */
function describeDb(db: Database.Database): unknown {
  const objects = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name != 'applied_migrations' ORDER BY type, name",
    )
    .all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
  const pragma = (sql: string, arg: string) => db.prepare(`SELECT * FROM ${sql}(?)`).all(arg);
  return {
    objects: objects.map((o) => ({ ...o, sql: o.sql && normaliseSql(o.sql) })),
    tables: Object.fromEntries(
      tables.map((t) => [
        t,
        {
          columns: pragma('pragma_table_xinfo', t),
          foreignKeys: pragma('pragma_foreign_key_list', t),
          indexes: (pragma('pragma_index_list', t) as { name: string }[])
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((i) => ({ ...i, seq: undefined, columns: pragma('pragma_index_xinfo', i.name) })),
        },
      ]),
    ),
    pragmas: Object.fromEntries(
      ['user_version', 'journal_mode', 'page_size', 'encoding', 'auto_vacuum', 'application_id'].map((p) => [
        p,
        db.pragma(p, { simple: true }),
      ]),
    ),
    meta: db.prepare("SELECT key, value FROM meta WHERE key LIKE 'store.%' ORDER BY key").all(),
    applied: appliedMigrations(db)
      .map((a) => [a.id, a.name, a.checksum])
      .sort(),
  };
}

function freshDb(): Database.Database {
  const file = path.join(tmp(), 'fresh.db');
  const db = openSqlite(file);
  migrate(db, migrations, file);
  return db;
}

function unpack(name: string): string {
  const file = path.join(tmp(), name.replace(/\.gz$/, ''));
  fs.writeFileSync(file, zlib.gunzipSync(fs.readFileSync(path.join(fixtures, name))));
  return file;
}

describe('databases from every release of the migration history', () => {
  it('covers every release, each database being what some sequence of releases left', () => {
    expect(index.releases.length).toBeGreaterThanOrEqual(9);
    const total = index.databases.reduce((n, d) => n + d.sequences, 0);
    expect(total).toBe(2 ** index.releases.length - 1);
  });

  for (const fixture of index.databases) {
    it(`${fixture.file} (${fixture.sequences} sequences of opening) upgrades to today's schema`, () => {
      const fresh = freshDb();
      const file = unpack(fixture.file);
      const legacy = openSqlite(file);
      const result = migrate(legacy, migrations, file);
      expect([...result.adopted, ...result.applied].sort()).toEqual(migrations.map((m) => m.id).sort());
      expect(describeDb(legacy)).toEqual(describeDb(fresh));
      expect(migrate(legacy, migrations, file)).toEqual({ applied: [], adopted: [] });
      legacy.close();
      fresh.close();
    });
  }

  it('the last release of the user_version scheme left four of them short of its own schema (what this scheme fixes)', () => {
    // What the last release made of a new database, and what it left databases it opened later.
    const complete = index.databases.find((d) => d.openedBy.includes(lastLegacy))!;
    const objects = (file: string) => {
      const db = new Database(unpack(file), { readonly: true });
      const rows = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all();
      db.close();
      return JSON.stringify(rows);
    };
    const incomplete = index.databases
      .filter((d) => d.openedBy.some((seq) => seq.endsWith(`+${lastLegacy}`)))
      .filter((d) => objects(d.file) !== objects(complete.file))
      .map((d) => d.file);
    expect(incomplete.sort()).toEqual(['012ee15.db.gz', '07d1afc.db.gz', '84db4ee.db.gz', 'f0dcc0e.db.gz']);
  });

  it('applies exactly what a database at user_version 30 without 11-13 lacks', () => {
    // f0dcc0e released runs (20) and compare (30) before versioning's 11-13 existed: the old
    // scheme skipped 11-13 for ever on such a database.
    const file = unpack('f0dcc0e.db.gz');
    const db = openSqlite(file);
    expect(db.pragma('user_version', { simple: true })).toBe(30);
    const before = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('stat_cache');
    expect(before).not.toContain('stored');
    const result = migrate(db, migrations, file);
    expect(result.applied.filter((id) => !LEGACY_IDS.has(id))).toEqual(newIds);
    expect({ adopted: result.adopted, applied: legacyOnly(result.applied) }).toEqual({
      adopted: ['foundation', 'store.versioning', 'runs.runs', 'compare.views'],
      applied: [
        'store.stat-cache-stored',
        'store.packs',
        'store.stat-cache-mode',
        'store.drop-pack-index',
        'store.format-2',
      ],
    });
    db.close();
  });

  it('removes the pack index that store.packs made in its first release', () => {
    const file = unpack('07d1afc.db.gz');
    const db = openSqlite(file);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'packed_objects_pack'").pluck().get(),
    ).toBe(1);
    const { applied } = migrate(db, migrations, file);
    expect(legacyOnly(applied)).toEqual(['store.stat-cache-mode', 'store.drop-pack-index', 'store.format-2']);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'packed_objects_pack'").pluck().get(),
    ).toBe(0);
    db.close();
  });

  it('records format 1 for a store made before packs and format 2 once packs exist, whatever the code constants say', () => {
    const file = unpack('829b1ba.db.gz');
    const db = openSqlite(file);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'store.format'").pluck().get()).toBe('1');
    migrate(db, migrations, file);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'store.format'").pluck().get()).toBe('2');
    db.close();
  });

  it('a project made and run by commit 356a5ba (main before this scheme) opens, upgrades and keeps its data', () => {
    const dir = tmp();
    const tar = spawnSync('tar', ['-xzf', path.join(fixtures, 'project-356a5ba.tar.gz'), '-C', dir]);
    expect(tar.status).toBe(0);
    const json = (args: string[]) => {
      const r = runCli([...args, '--json'], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout);
    };
    const versions = json(['versions', 'customers']);
    expect(versions.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const runs = json(['runs']);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('done');
    expect(Number(runs[0].params['train.epochs'])).toBe(60);
    expect(runs[0].metrics.accuracy).toBeGreaterThan(0);
    const v2 = fs.readFileSync(path.join(dir, 'data', 'customers.csv'), 'utf8');
    json(['checkout', 'customers@1']);
    const v1 = fs.readFileSync(path.join(dir, 'data', 'customers.csv'), 'utf8');
    expect(v1 + v1.split('\n')[1] + '\n').toBe(v2);
    const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
    const upgraded = describeDb(db);
    db.close();
    const fresh = freshDb();
    expect(upgraded).toEqual(describeDb(fresh));
    fresh.close();
  });
});
