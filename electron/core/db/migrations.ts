import type { Db } from './sqlite.js';
import { StrataError } from '../../../shared/errors.js';

export interface Migration {
  /** Numbers are global and fixed forever once released: 1 foundation, then one block per domain. */
  version: number;
  name: string;
  up(db: Db): void;
}

/**
 * Applies pending migrations, each in its own transaction together with the user_version bump, so a
 * crash leaves the database at a whole version. A database written by a newer Strata is refused
 * before anything is written to it.
 */
export function migrate(db: Db, migrations: readonly Migration[], file: string): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1].version === m.version) {
      throw new Error(`Two migrations claim version ${m.version}: ${sorted[i - 1].name} and ${m.name}`);
    }
  });
  const latest = latestVersion(sorted);
  const current = readVersion(db);
  if (current > latest) throw tooNewError(file, current, latest);
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return readVersion(db);
}

export function readVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

export function tooNewError(file: string, current: number, latest: number): StrataError {
  return new StrataError(
    'SCHEMA_TOO_NEW',
    `This project's database (${file}) was written by a newer version of Strata (schema ${current}; this app knows up to ${latest}). Update Strata to open it; the database was left untouched.`,
    { where: { file }, details: { current, latest } },
  );
}
