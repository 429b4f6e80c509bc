import type { Migration } from '../db/migrations.js';

/** Imports' migrations of the project database (ids import.*). */
export const importMigrations: Migration[] = [
  {
    id: 'import.runs',
    name: 'imported runs remember where they came from',
    up(db) {
      // (source, source_id) → the Strata run it became: importing the same history again updates
      // that run instead of adding a copy. source is the system ('mlflow'), source_id its run id.
      db.exec(`
        CREATE TABLE imported_runs (
          source    TEXT NOT NULL,
          source_id TEXT NOT NULL,
          run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          PRIMARY KEY (source, source_id)
        ) STRICT;
        CREATE INDEX imported_runs_run ON imported_runs(run_id);
      `);
    },
  },
];
