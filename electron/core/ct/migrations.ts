import type { Migration } from '../db/migrations.js';

/** Continuous training's migrations of the project database (ids ct.*). */
export const ctMigrations: Migration[] = [
  {
    id: 'ct.cycles',
    name: 'continuous training cycles and loop state',
    up(db) {
      // A cycle's steps are one JSON list: they are read and written whole, never queried one by one.
      // pid: the process running it, so a cycle whose process died is shown as interrupted.
      db.exec(`
        CREATE TABLE ct_cycles (
          id          INTEGER PRIMARY KEY,
          trigger     TEXT NOT NULL CHECK (trigger IN ('dataset', 'drift', 'schedule', 'manual')),
          reason      TEXT NOT NULL,
          triggers    TEXT NOT NULL CHECK (json_valid(triggers)),
          status      TEXT NOT NULL CHECK (status IN ('running', 'waiting', 'succeeded', 'unchanged',
                        'failed', 'rejected', 'cancelled', 'interrupted')),
          step        TEXT,
          steps       TEXT NOT NULL CHECK (json_valid(steps)),
          outcome     TEXT,
          model       TEXT,
          version     INTEGER,
          decision    TEXT CHECK (decision IN ('approve', 'reject')),
          decided_by  TEXT,
          pid         INTEGER,
          started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          ended_at    TEXT
        ) STRICT;
        CREATE INDEX ct_cycles_started ON ct_cycles(started_at);
        CREATE TABLE ct_state (
          key    TEXT PRIMARY KEY,
          value  TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
];
