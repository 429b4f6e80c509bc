import type { Migration } from '../db/migrations.js';

/** Drift's migrations of the project database (ids drift.*). */
export const driftMigrations: Migration[] = [
  {
    id: 'drift.monitors',
    name: 'drift monitors',
    up(db) {
      db.exec(`
        -- One row per monitor that has run. config_hash is the monitor's settings as last run: when
        -- strata.yaml changes them, the monitor's stored windows are dropped and recomputed.
        CREATE TABLE drift_monitors (
          name         TEXT PRIMARY KEY,
          config_hash  TEXT NOT NULL,
          -- rows read from the logs that wait for their window to fill (JSON array of records)
          pending      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(pending)),
          next_row     INTEGER NOT NULL DEFAULT 0,
          -- the reference's confusion matrix and calibration bins (JSON), when it has labels and outputs
          reference_joint TEXT,
          last_run_at  TEXT,
          last_error   TEXT,
          -- every malformed log line is counted here; drift_malformed keeps the first ones
          malformed_count INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- How far each log file has been read: a byte offset after the last whole line, the line number
        -- there, and a CSV file's header.
        CREATE TABLE drift_log_files (
          monitor   TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          file      TEXT NOT NULL,
          offset    INTEGER NOT NULL,
          line      INTEGER NOT NULL,
          header    TEXT,
          PRIMARY KEY (monitor, file)
        ) STRICT;
        CREATE TABLE drift_malformed (
          monitor   TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          file      TEXT NOT NULL,
          line      INTEGER NOT NULL,
          reason    TEXT NOT NULL
        ) STRICT;
        CREATE TABLE drift_windows (
          monitor     TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          idx         INTEGER NOT NULL,
          first_row   INTEGER NOT NULL,
          rows        INTEGER NOT NULL,
          t_from      TEXT,
          t_to        TEXT,
          report      TEXT NOT NULL CHECK (json_valid(report)),
          estimated   TEXT,
          PRIMARY KEY (monitor, idx)
        ) STRICT;
        -- The model's outputs per logged row, kept so labels that arrive later can be joined by id.
        CREATE TABLE drift_predictions (
          monitor     TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          row         INTEGER NOT NULL,
          window      INTEGER NOT NULL,
          id          TEXT,
          prediction  TEXT,
          label       TEXT,
          PRIMARY KEY (monitor, row)
        ) STRICT;
        CREATE INDEX drift_predictions_id ON drift_predictions(monitor, id);
        CREATE TABLE drift_labels (
          monitor   TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          id        TEXT NOT NULL,
          label     TEXT NOT NULL,
          PRIMARY KEY (monitor, id)
        ) STRICT;
        CREATE TABLE drift_alerts (
          id        INTEGER PRIMARY KEY,
          monitor   TEXT NOT NULL REFERENCES drift_monitors(name) ON DELETE CASCADE,
          window    INTEGER NOT NULL,
          columns   TEXT NOT NULL CHECK (json_valid(columns)),
          detections TEXT NOT NULL CHECK (json_valid(detections)),
          at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
      `);
    },
  },
];
