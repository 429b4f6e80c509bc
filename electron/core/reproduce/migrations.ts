import type { Migration } from '../db/migrations.js';

/** Reproduction and review's migrations of the project database (ids reproduce.*; block 70–79). */
export const reproduceMigrations: Migration[] = [
  {
    id: 'reproduce.reproductions',
    name: 'reproductions of runs, linked to the original and to their own run',
    up(db) {
      db.exec(`
        -- A reproduction is a run of its own (repro_run_id); this row links it to the original and
        -- keeps the verdict. report is the JSON of shared/api/review.ts Reproduction's lists.
        CREATE TABLE reproductions (
          id           TEXT PRIMARY KEY,
          run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          repro_run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
          status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'refused', 'failed', 'cancelled')),
          verdict      TEXT CHECK (verdict IN ('exact', 'within-tolerance', 'not-reproduced')),
          tolerances   TEXT NOT NULL CHECK (json_valid(tolerances)),
          report       TEXT CHECK (report IS NULL OR json_valid(report)),
          started_at   REAL NOT NULL,
          ended_at     REAL,
          setup_ms     REAL,
          error        TEXT
        ) STRICT;
        CREATE INDEX reproductions_run ON reproductions(run_id, started_at);
      `);
    },
  },
];
