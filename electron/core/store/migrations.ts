import type { Migration } from '../db/migrations.js';

/**
 * Versioning's migrations of the project database (ids store.*). The meta keys store.format,
 * store.hash and store.layout describe objects/; each change of format is a data migration of its
 * own that writes its values as literals, so what a migration writes never changes after release.
 */
export const storeMigrations: Migration[] = [
  {
    id: 'store.versioning',
    name: 'versioning',
    up(db) {
      db.exec(`
        CREATE TABLE artifacts (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          path       TEXT NOT NULL,
          kind       TEXT NOT NULL CHECK (kind IN ('dataset', 'model', 'other')),
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
        -- A manifest is immutable and shared by every version with the same content; entries holds
        -- exactly the bytes the root hash was computed over, so fsck can re-check it.
        CREATE TABLE manifests (
          root_hash   TEXT PRIMARY KEY,
          type        TEXT NOT NULL CHECK (type IN ('file', 'dir')),
          file_count  INTEGER NOT NULL,
          total_bytes INTEGER NOT NULL,
          entries     TEXT NOT NULL
        ) STRICT;
        CREATE TABLE versions (
          id          INTEGER PRIMARY KEY,
          artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
          number      INTEGER NOT NULL,
          root_hash   TEXT NOT NULL REFERENCES manifests(root_hash),
          message     TEXT,
          source      TEXT NOT NULL CHECK (source IN ('manual', 'watch', 'run')),
          run_id      TEXT,
          parent_id   INTEGER REFERENCES versions(id),
          created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          UNIQUE (artifact_id, number)
        ) STRICT;
        CREATE INDEX versions_root ON versions(root_hash);
        CREATE INDEX versions_run ON versions(run_id) WHERE run_id IS NOT NULL;
        CREATE TABLE aliases (
          artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
          name        TEXT NOT NULL,
          version_id  INTEGER NOT NULL REFERENCES versions(id),
          PRIMARY KEY (artifact_id, name)
        ) STRICT;
        CREATE TABLE alias_history (
          id          INTEGER PRIMARY KEY,
          artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
          name        TEXT NOT NULL,
          version_id  INTEGER NOT NULL REFERENCES versions(id),
          previous_id INTEGER REFERENCES versions(id),
          at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        ) STRICT;
        CREATE TABLE stat_cache (
          path  TEXT PRIMARY KEY,
          size  INTEGER NOT NULL,
          mtime REAL NOT NULL,
          ino   INTEGER NOT NULL,
          hash  TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
      `);
      const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      put.run('store.format', '1');
      put.run('store.hash', 'sha256');
      put.run('store.layout', 'objects/<2 hex>/<62 hex>');
    },
  },
  {
    id: 'store.stat-cache-stored',
    name: 'stat cache knows stored contents',
    up(db) {
      // 1 when the object of this hash was stored by this cache entry's writer: an unchanged file then
      // needs no existence check when its folder is versioned again. gc and fsck clear it.
      db.exec('ALTER TABLE stat_cache ADD COLUMN stored INTEGER NOT NULL DEFAULT 0');
    },
  },
  {
    id: 'store.packs',
    name: 'pack files for small objects',
    up(db) {
      // Where each packed object is: the byte range of its content in objects/packs/<pack>.pack. A
      // store of format 1 has only loose objects, which format 2 still reads.
      db.exec(`
        CREATE TABLE packed_objects (
          hash   TEXT PRIMARY KEY,
          pack   TEXT NOT NULL,
          offset INTEGER NOT NULL,
          size   INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
      `);
      // store.format-2 records the new format; store.drop-pack-index removes the index on pack
      // that this migration made when it was first released.
    },
  },
  {
    id: 'store.stat-cache-mode',
    name: 'stat cache knows the mode',
    up(db) {
      // The manifest line of a file (mode, size, hash) can then be made from its row alone, for a file
      // the watcher reported no event for. NULL in rows written before: those files are stat'ed.
      db.exec('ALTER TABLE stat_cache ADD COLUMN mode INTEGER');
    },
  },
  {
    id: 'store.drop-pack-index',
    name: 'no index on packed_objects(pack, offset)',
    up(db) {
      // store.packs made this index in its first release: it made the 100,000 inserts of a large
      // first add 40% slower, and only gc and fsck look rows up by pack, reading the whole table once.
      db.exec('DROP INDEX IF EXISTS packed_objects_pack');
    },
  },
  {
    id: 'store.format-2',
    name: 'store format 2: small objects in packs',
    up(db) {
      const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      put.run('store.format', '2');
      put.run(
        'store.layout',
        'objects/<2 hex>/<62 hex> for objects over 1 MiB; objects/packs/*.pack (packed_objects) for smaller ones',
      );
    },
  },
];
