import type { Migration } from '../db/migrations.js';

/** Gates' migrations of the project database (ids gates.*). */
export const gateMigrations: Migration[] = [
  {
    id: 'gates.overrides',
    name: 'gate overrides',
    up(db) {
      // Who promoted a version that failed its gates, when and why, with the failures they overrode.
      db.exec(`
        CREATE TABLE gate_overrides (
          id          INTEGER PRIMARY KEY,
          version_id  INTEGER NOT NULL REFERENCES versions(id),
          alias       TEXT NOT NULL,
          reason      TEXT NOT NULL,
          who         TEXT NOT NULL,
          failures    TEXT NOT NULL,
          at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
      `);
    },
  },
];
