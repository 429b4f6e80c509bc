import type { Migration } from './migrations.js';
import { storeMigrations } from '../store/migrations.js';
import { runMigrations } from '../runs/migrations.js';
import { compareMigrations } from '../compare/migrations.js';

/**
 * All migrations of the project database, in order. Version blocks per domain keep parallel work
 * from colliding: 1–9 foundation, 10–19 versioning, 20–29 runs & pipelines, 30–39 compare/views,
 * 40–49 validation, 50–59 drift, 60–69 deploy.
 */
export const migrations: Migration[] = [
  {
    version: 1,
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
];
