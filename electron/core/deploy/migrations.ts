import type { Migration } from '../db/migrations.js';

/** Deploy's migrations of the project database (ids deploy.*). */
export const deployMigrations: Migration[] = [
  {
    id: 'deploy.deployments',
    name: 'deployments',
    up(db) {
      // One row per attempt to put a model version on a target, kept as its history: at most one
      // row per target is active. pid/port/url let a restarted app find its services again.
      db.exec(`
        CREATE TABLE deployments (
          id           INTEGER PRIMARY KEY,
          target       TEXT NOT NULL,
          type         TEXT NOT NULL CHECK (type IN ('http', 'folder', 'command')),
          version_id   INTEGER NOT NULL REFERENCES versions(id),
          status       TEXT NOT NULL CHECK (status IN ('deploying', 'active', 'failed', 'replaced', 'stopped')),
          action       TEXT NOT NULL CHECK (action IN ('deploy', 'rollback')),
          rollback_of  INTEGER REFERENCES deployments(id),
          who          TEXT NOT NULL,
          started_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          ended_at     TEXT,
          message      TEXT,
          url          TEXT,
          port         INTEGER,
          pid          INTEGER,
          server       TEXT,
          model_dir    TEXT,
          keep_running INTEGER NOT NULL DEFAULT 0,
          override     TEXT
        ) STRICT;
        CREATE INDEX deployments_target ON deployments(target, id);
      `);
    },
  },
  {
    id: 'deploy.bundle-imports',
    name: 'bundle imports',
    up(db) {
      // A version that came from a bundle: which file (its sha256), what it was where it came from,
      // who signed it, and the bundle's manifest and lineage as they were.
      db.exec(`
        CREATE TABLE bundle_imports (
          id            INTEGER PRIMARY KEY,
          version_id    INTEGER NOT NULL REFERENCES versions(id),
          bundle_sha256 TEXT NOT NULL,
          origin        TEXT NOT NULL,
          signer        TEXT,
          manifest      TEXT NOT NULL,
          lineage       TEXT,
          imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
      `);
    },
  },
  {
    id: 'deploy.bundle-import-file',
    name: 'bundle import file name',
    up(db) {
      // The bundle's file name, for the mark Models and `strata show` put on an imported version.
      db.exec('ALTER TABLE bundle_imports ADD COLUMN file TEXT');
    },
  },
];
