import type { Db } from './sqlite.js';
import { StrataError } from '../../../shared/errors.js';
import {
  APPLIED_TABLE,
  findInLegacy,
  migrationEffects,
  snapshot,
  type MigrationEffect,
} from './migration-effects.js';

export interface Migration {
  /**
   * Stable forever once released, unique across domains: '<domain>.<what>', e.g. 'store.packs'. A
   * database records the ids applied to it, so domains add migrations independently, in any order.
   */
  id: string;
  name: string;
  /** Runs inside a transaction; may rely only on migrations earlier in the composed list. */
  up(db: Db): void;
}

/**
 * user_version of every database managed by the table of applied migrations. Strata before that
 * table compared user_version with its highest migration number (30 at most), so it refuses such a
 * database as "written by a newer version of Strata" instead of running its migrations over it.
 */
export const TABLE_SCHEME_VERSION = 1000;

export interface AppliedMigration {
  id: string;
  name: string;
  checksum: string;
  appliedAt: string;
  /** 'adopted': found already present in a database from before the table existed. */
  how: 'applied' | 'adopted';
}

export interface MigrateResult {
  applied: string[];
  adopted: string[];
}

/**
 * Brings a database to the list's schema. Each migration runs in its own transaction together with
 * its row in applied_migrations, so a crash leaves whole migrations only. A database that names a
 * migration this list lacks was written by a newer Strata: it is refused before anything is written.
 */
export function migrate(db: Db, migrations: readonly Migration[], file: string): MigrateResult {
  checkList(migrations);
  const effects = migrationEffects(migrations);
  const result: MigrateResult = { applied: [], adopted: [] };
  if (readUserVersion(db) > TABLE_SCHEME_VERSION) throw tooNewError(file, []);
  if (!hasAppliedTable(db)) {
    db.transaction(() => {
      if (hasAppliedTable(db)) return;
      result.adopted = adoptLegacy(db, migrations, effects, file);
    }).immediate();
  }
  verifyApplied(db, migrations, effects, file);
  for (const m of migrations) {
    db.transaction(() => {
      if (isApplied(db, m.id)) return;
      m.up(db);
      db.prepare(
        `INSERT INTO ${APPLIED_TABLE} (id, name, checksum, applied_at, how) VALUES (?, ?, ?, ?, 'applied')`,
      ).run(m.id, m.name, effects.get(m.id)!.checksum, new Date().toISOString());
      result.applied.push(m.id);
    }).immediate();
  }
  return result;
}

export function appliedMigrations(db: Db): AppliedMigration[] {
  if (!hasAppliedTable(db)) return [];
  return db
    .prepare(`SELECT id, name, checksum, applied_at AS appliedAt, how FROM ${APPLIED_TABLE} ORDER BY rowid`)
    .all() as AppliedMigration[];
}

/** ids a database records that the given list does not know, i.e. written by a newer Strata. */
export function unknownMigrations(db: Db, migrations: readonly Migration[]): string[] {
  const known = new Set(migrations.map((m) => m.id));
  return appliedMigrations(db)
    .map((a) => a.id)
    .filter((id) => !known.has(id));
}

export function readUserVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function tooNewError(file: string, unknownIds: string[]): StrataError {
  const what = unknownIds.length
    ? `it has migrations this app does not know: ${unknownIds.join(', ')}`
    : 'its schema is of a later kind than this app knows';
  return new StrataError(
    'SCHEMA_TOO_NEW',
    `This project's database (${file}) was written by a newer version of Strata (${what}). Update Strata to open it; the database was left untouched.`,
    { where: { file }, details: { unknownMigrations: unknownIds } },
  );
}

function checkList(migrations: readonly Migration[]): void {
  const seen = new Map<string, string>();
  for (const m of migrations) {
    if (!/^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/.test(m.id)) {
      throw new Error(`Migration id ${JSON.stringify(m.id)} (${m.name}) is not of the form domain.what`);
    }
    const other = seen.get(m.id);
    if (other !== undefined) throw new Error(`Two migrations claim id ${m.id}: ${other} and ${m.name}`);
    seen.set(m.id, m.name);
  }
}

function hasAppliedTable(db: Db): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(APPLIED_TABLE) !==
    undefined
  );
}

function isApplied(db: Db, id: string): boolean {
  return db.prepare(`SELECT 1 FROM ${APPLIED_TABLE} WHERE id = ?`).get(id) !== undefined;
}

/**
 * Creates the table of applied migrations. In a database written before it existed (user_version
 * was a high-water mark across domains, so a database at 30 may lack 11–13), each migration is looked
 * for by what it makes (tables, indexes, columns) and recorded as adopted when it is all there; the
 * missing ones then run like any pending migration.
 */
function adoptLegacy(
  db: Db,
  migrations: readonly Migration[],
  effects: Map<string, MigrationEffect>,
  file: string,
): string[] {
  const current = snapshot(db);
  const adopted: Migration[] = [];
  if (current.objects.size > 0) {
    for (const m of migrations) {
      const found = findInLegacy(current, effects.get(m.id)!);
      if (found.state === 'present') adopted.push(m);
      if (found.state === 'partial') {
        throw new StrataError(
          'SCHEMA_MISMATCH',
          `This project's database (${file}) holds part of migration ${m.id} (${m.name}): it has ${found.present.join(', ')} but not ${found.missing.join(', ')}. It was left untouched; restore it from a backup or move it away to start a new one.`,
          { where: { file }, details: { migration: m.id, ...found } },
        );
      }
    }
  }
  db.exec(`
    CREATE TABLE ${APPLIED_TABLE} (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      checksum   TEXT NOT NULL,
      applied_at TEXT NOT NULL,
      how        TEXT NOT NULL CHECK (how IN ('applied', 'adopted'))
    ) STRICT;
  `);
  const put = db.prepare(
    `INSERT INTO ${APPLIED_TABLE} (id, name, checksum, applied_at, how) VALUES (?, ?, ?, ?, 'adopted')`,
  );
  const now = new Date().toISOString();
  for (const m of adopted) put.run(m.id, m.name, effects.get(m.id)!.checksum, now);
  db.pragma(`user_version = ${TABLE_SCHEME_VERSION}`);
  return adopted.map((m) => m.id);
}

/**
 * Refuses a database from a newer Strata, and one whose migrations were applied in another form than
 * this list's: a released migration must never change, and a schema that differs from what the code
 * expects fails later in ways that are much harder to read.
 */
function verifyApplied(
  db: Db,
  migrations: readonly Migration[],
  effects: Map<string, MigrationEffect>,
  file: string,
): void {
  const unknown = unknownMigrations(db, migrations);
  if (unknown.length) throw tooNewError(file, unknown);
  for (const a of appliedMigrations(db)) {
    const expected = effects.get(a.id)!.checksum;
    if (a.checksum !== expected) {
      throw new StrataError(
        'SCHEMA_MISMATCH',
        `This project's database (${file}) had migration ${a.id} (${a.name}) applied in a form that differs from this version of Strata's (schema checksum ${a.checksum.slice(0, 12)}, expected ${expected.slice(0, 12)}). A released migration was changed, which is a bug in Strata; the database was left untouched.`,
        { where: { file }, details: { migration: a.id, recorded: a.checksum, expected } },
      );
    }
  }
}
