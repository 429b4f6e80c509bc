import type { Migration } from './migrations.js';
import { storeMigrations } from '../store/migrations.js';
import { runMigrations } from '../runs/migrations.js';
import { compareMigrations } from '../compare/migrations.js';
import { driftMigrations } from '../drift/migrations.js';
import { validationMigrations } from '../validation/migrations.js';
import { reproduceMigrations } from '../reproduce/migrations.js';
import { deployMigrations } from '../deploy/migrations.js';
import { importMigrations } from '../import/migrations.js';
import { ctMigrations } from '../ct/migrations.js';

/**
 * All migrations of the project database, in the order a new database gets them. Each domain keeps its
 * own list in its folder's migrations.ts; ids ('<domain>.<what>') make them independent of each other,
 * and a database records which it has (see db/migrations.ts).
 */
export const migrations: Migration[] = [
  {
    id: 'foundation',
    name: 'foundation',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE events_log (
          id        INTEGER PRIMARY KEY,
          at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          kind      TEXT NOT NULL,
          detail    TEXT
        ) STRICT;
      `);
    },
  },
  ...storeMigrations,
  ...runMigrations,
  ...compareMigrations,
  ...driftMigrations,
  ...validationMigrations,
  ...reproduceMigrations,
  ...deployMigrations,
  ...importMigrations,
  ...ctMigrations,
];
