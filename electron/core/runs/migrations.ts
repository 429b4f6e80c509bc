import type { Migration } from '../db/migrations.js';

/** Runs & pipelines' migrations of the project database (ids runs.*). */
export const runMigrations: Migration[] = [
  {
    id: 'runs.runs',
    name: 'runs',
    up(db) {
      db.exec(`
        -- runner_pid and runner_host let another process (strata cancel, the next open) tell a live
        -- run from one whose process died: a 'running' row whose runner is gone was interrupted.
        CREATE TABLE runs (
          id               TEXT PRIMARY KEY,
          name             TEXT NOT NULL,
          kind             TEXT NOT NULL CHECK (kind IN ('pipeline', 'client', 'inbox')),
          status           TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
          started_at       REAL NOT NULL,
          ended_at         REAL,
          pipeline_hash    TEXT,
          git_commit       TEXT,
          git_diff_hash    TEXT,
          git_diff         TEXT,
          environment      TEXT,
          note             TEXT NOT NULL DEFAULT '',
          error            TEXT,
          runner_pid       INTEGER,
          runner_host      TEXT,
          cancel_requested INTEGER NOT NULL DEFAULT 0,
          skipped_lines    INTEGER NOT NULL DEFAULT 0,
          nonfinite_values INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX runs_started ON runs(started_at);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE run_stages (
          run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          stage       TEXT NOT NULL,
          ord         INTEGER NOT NULL,
          status      TEXT NOT NULL CHECK (status IN ('pending', 'skipped', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
          reason      TEXT NOT NULL,
          cmd         TEXT NOT NULL,
          pid         INTEGER,
          started_at  REAL,
          ended_at    REAL,
          exit_code   INTEGER,
          signal      TEXT,
          log_bytes   INTEGER NOT NULL DEFAULT 0,
          log_dropped INTEGER NOT NULL DEFAULT 0,
          -- path → root hash of what the stage read and left behind (every dep, not only artifacts)
          deps        TEXT,
          outs        TEXT,
          PRIMARY KEY (run_id, stage)
        ) STRICT;
        CREATE TABLE run_logs (
          id     INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          stage  TEXT NOT NULL,
          stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'strata')),
          at     REAL NOT NULL,
          text   TEXT NOT NULL
        ) STRICT;
        CREATE INDEX run_logs_run ON run_logs(run_id, stage, id);
        CREATE TABLE run_params (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key    TEXT NOT NULL,
          value  TEXT NOT NULL,
          PRIMARY KEY (run_id, key)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE run_tags (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key    TEXT NOT NULL,
          value  TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (run_id, key)
        ) STRICT, WITHOUT ROWID;
        -- Final value and summary of every series; the points themselves live in metric_chunks.
        CREATE TABLE run_metrics (
          run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key       TEXT NOT NULL,
          value     REAL NOT NULL,
          step      REAL NOT NULL,
          count     INTEGER NOT NULL,
          min       REAL NOT NULL,
          max       REAL NOT NULL,
          updated   REAL NOT NULL,
          PRIMARY KEY (run_id, key)
        ) STRICT, WITHOUT ROWID;
        -- A series is a list of chunks of up to a few thousand points, each three little-endian
        -- Float64 arrays: reading a million points is a few hundred blob reads, not a million rows.
        CREATE TABLE metric_chunks (
          run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key        TEXT NOT NULL,
          seq        INTEGER NOT NULL,
          n          INTEGER NOT NULL,
          steps      BLOB NOT NULL,
          vals       BLOB NOT NULL,
          times      BLOB NOT NULL,
          PRIMARY KEY (run_id, key, seq)
        ) STRICT;
        -- Lineage: which versions a run read and wrote (dataset → run → model).
        CREATE TABLE run_io (
          run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          version_id INTEGER NOT NULL REFERENCES versions(id),
          role       TEXT NOT NULL CHECK (role IN ('in', 'out')),
          stage      TEXT NOT NULL DEFAULT '',
          path       TEXT NOT NULL,
          PRIMARY KEY (run_id, version_id, role, stage)
        ) STRICT;
        CREATE INDEX run_io_version ON run_io(version_id);
        CREATE TABLE run_artifacts (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          path   TEXT NOT NULL,
          PRIMARY KEY (run_id, path)
        ) STRICT, WITHOUT ROWID;
        -- What the last successful execution of each stage saw: the stage cache compares against it.
        CREATE TABLE stage_state (
          stage      TEXT PRIMARY KEY,
          run_id     TEXT NOT NULL,
          cmd        TEXT NOT NULL,
          deps       TEXT NOT NULL,
          params     TEXT NOT NULL,
          outs       TEXT NOT NULL,
          at         REAL NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    id: 'runs.code-state',
    name: 'runs record their whole code state',
    up(db) {
      // JSON of CodeState (shared/api/runs.ts): the commit, the stored diff and untracked files, or
      // unknown with the reason. NULL in runs recorded before.
      db.exec(
        'ALTER TABLE runs ADD COLUMN code_state TEXT CHECK (code_state IS NULL OR json_valid(code_state))',
      );
    },
  },
];
