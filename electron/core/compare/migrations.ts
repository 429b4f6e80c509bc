import type { Migration } from '../db/migrations.js';

/** Compare's migrations of the project database (ids compare.*). */
export const compareMigrations: Migration[] = [
  {
    id: 'compare.views',
    name: 'compare saved views',
    up(db) {
      db.exec(`
        -- A view is what the runs table shows and how (columns, sort, filters, grouping, baseline),
        -- kept as JSON so the UI can add settings without a migration.
        CREATE TABLE compare_views (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          state      TEXT NOT NULL CHECK (json_valid(state)),
          updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
      `);
    },
  },
];
