import path from 'node:path';
import type { FsckReport } from '../../../shared/api/artifacts.js';
import { runWorker } from '../jobs/worker.js';
import type { Project } from '../project/project.js';
import { ensureStore } from './api.js';
import type { FsckObjectsInput, FsckObjectsResult } from './fsck-worker.js';
import { parseEntries, rootHashOf } from './manifest.js';
import { useStore } from './locks.js';
import { QUARANTINE_DIR } from './objects.js';
import { locateObject, packPath } from './packs.js';

/**
 * Verifies the store: every object's content against its name (bad ones go to quarantine), every
 * manifest against its root hash, and every file a version names against the objects present.
 */
export async function fsck(
  project: Project,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void } = {},
): Promise<FsckReport> {
  // Read-only review: every hash is checked, nothing is locked, moved or recorded.
  if (project.readOnly) return check(project, opts);
  ensureStore(project);
  // A gc rewriting a pack under the check would make its contents read as missing.
  const release = await useStore(project.strataDir);
  try {
    return await check(project, opts);
  } finally {
    release();
  }
}

async function check(
  project: Project,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void },
): Promise<FsckReport> {
  const objects = await runWorker<FsckObjectsInput, FsckObjectsResult>(
    new URL('./fsck-worker.js', import.meta.url),
    {
      objectsDir: project.objectsDir,
      quarantineDir: project.readOnly ? null : path.join(project.strataDir, QUARANTINE_DIR),
      dbPath: project.dbPath,
    },
    opts,
  );
  // A damaged packed object loses its row, so that it counts as missing and the next add of the
  // same content stores it again.
  if (!project.readOnly) {
    const drop = project.db.prepare('DELETE FROM packed_objects WHERE hash = ? AND pack = ? AND offset = ?');
    project.db.transaction(() => {
      for (const b of objects.badPacked) drop.run(b.hash, b.pack, b.offset);
    })();
  }
  const bad = [
    ...objects.bad,
    ...objects.badPacked.map((b) => ({
      hash: b.hash,
      quarantinedTo: b.quarantinedTo || `(unreadable in pack ${b.pack})`,
    })),
  ];
  if (!project.readOnly && (bad.length || objects.missingPacks.length))
    project.db.prepare('UPDATE stat_cache SET stored = 0').run();
  const missingPacks = new Set(objects.missingPacks.map((p) => packPath(project.objectsDir, p)));
  const stored = (hash: string): boolean => {
    const loc = locateObject(project.db, project.objectsDir, hash);
    return loc !== null && !missingPacks.has(loc.file);
  };
  const manifests = project.db.prepare('SELECT root_hash, type, entries FROM manifests').all() as {
    root_hash: string;
    type: 'file' | 'dir';
    entries: string;
  }[];
  const users = project.db.prepare(
    'SELECT a.name, v.number FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE v.root_hash = ? ORDER BY a.name, v.number',
  );
  const missing: FsckReport['missing'] = [];
  const badManifests: string[] = [];
  const present = new Map<string, boolean>();
  for (const m of manifests) {
    if (rootHashOf(m.type, m.entries) !== m.root_hash) badManifests.push(m.root_hash);
    let entries;
    try {
      entries = parseEntries(m.entries);
    } catch {
      badManifests.push(m.root_hash);
      continue;
    }
    const gone = entries.filter((e) => {
      if (e.kind !== 'f') return false;
      let ok = present.get(e.hash);
      if (ok === undefined) present.set(e.hash, (ok = stored(e.hash)));
      return !ok;
    });
    if (gone.length === 0) continue;
    for (const u of users.all(m.root_hash) as { name: string; number: number }[]) {
      for (const e of gone) missing.push({ artifact: u.name, version: u.number, path: e.path, hash: e.hash });
    }
  }
  const integrity = project.db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') badManifests.push(`database integrity_check: ${String(integrity)}`);
  return {
    ok: bad.length === 0 && missing.length === 0 && badManifests.length === 0,
    objects: objects.objects,
    bytes: objects.bytes,
    manifests: manifests.length,
    bad,
    missing,
    badManifests,
  };
}
