import type { Migration } from '../db/migrations.js';

/** Column statistics' migrations of the project database (ids stats.*). */
export const statsMigrations: Migration[] = [
  {
    id: 'stats.column-profiles',
    name: 'column profiles',
    up(db) {
      // One profile per stored content and reading format: versions sharing a file share its profile.
      db.exec(`
        CREATE TABLE column_profiles (
          hash           TEXT NOT NULL,
          format         TEXT NOT NULL,
          profile_format INTEGER NOT NULL,
          profile        TEXT NOT NULL,
          created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          PRIMARY KEY (hash, format)
        ) STRICT;
      `);
    },
  },
];
