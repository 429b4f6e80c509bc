import type { Migration } from '../db/migrations.js';
import { statsMigrations } from '../stats/migrations.js';
import { gateMigrations } from '../gates/migrations.js';

/** Validation's migrations of the project database (ids validation.*), with those of column statistics and gates it builds on. */
export const validationMigrations: Migration[] = [
  ...statsMigrations,
  {
    id: 'validation.reports',
    name: 'validation reports',
    up(db) {
      // A report is keyed by what it was computed from: the version's content (through version_id,
      // whose root hash never changes) and the hash of the rules and reference it was checked with.
      db.exec(`
        CREATE TABLE validation_reports (
          id          INTEGER PRIMARY KEY,
          version_id  INTEGER NOT NULL REFERENCES versions(id),
          name        TEXT NOT NULL,
          rules_hash  TEXT NOT NULL,
          status      TEXT NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'error')),
          report      TEXT NOT NULL,
          created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          UNIQUE (version_id, name, rules_hash)
        ) STRICT;
      `);
    },
  },
  ...gateMigrations,
];
