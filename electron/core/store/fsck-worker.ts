import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite } from '../db/sqlite.js';
import { serveWorker } from '../jobs/worker.js';
import { listPacks, packedRowsByPack, packPath, scanPack, type PackEntry } from './packs.js';
import { listObjects } from './scan-objects.js';

export interface FsckObjectsInput {
  objectsDir: string;
  /** null: report only, move and write nothing (a project open read-only for review) */
  quarantineDir: string | null;
  dbPath: string;
}

export interface FsckObjectsResult {
  objects: number;
  bytes: number;
  /** loose objects whose content does not match their name, moved to quarantine */
  bad: { hash: string; quarantinedTo: string }[];
  /** packed_objects rows whose bytes are damaged or unreadable; the bytes found (if any) were copied to quarantine */
  badPacked: { hash: string; pack: string; offset: number; quarantinedTo: string }[];
  /** packs that rows name but that are not there */
  missingPacks: string[];
}

const CHUNK = 1 << 20;

/**
 * Re-hashes every object: a loose one whose content does not match its name is moved to quarantine;
 * a packed one is checked against the hash in its pack's header and against the row that locates it.
 */
serveWorker<FsckObjectsInput, FsckObjectsResult>(({ objectsDir, quarantineDir, dbPath }, progress) => {
  const objects = listObjects(objectsDir);
  const rows = packedRows(dbPath);
  const total = objects.length + [...rows.values()].reduce((n, list) => n + list.length, 0);
  const buf = Buffer.allocUnsafe(CHUNK);
  const bad: FsckObjectsResult['bad'] = [];
  const badPacked: FsckObjectsResult['badPacked'] = [];
  let bytes = 0;
  let done = 0;
  const quarantine = (hash: string): string => {
    if (!quarantineDir) return '';
    fs.mkdirSync(quarantineDir, { recursive: true });
    return path.join(quarantineDir, `${hash}.${Date.now()}`);
  };
  for (const o of objects) {
    const h = crypto.createHash('sha256');
    const fd = fs.openSync(o.file, 'r');
    try {
      let pos = 0;
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, CHUNK, pos)) > 0) {
        h.update(buf.subarray(0, n));
        pos += n;
      }
      bytes += pos;
    } finally {
      fs.closeSync(fd);
    }
    if (h.digest('hex') !== o.hash) {
      const to = quarantine(o.hash);
      if (to) fs.renameSync(o.file, to);
      bad.push({ hash: o.hash, quarantinedTo: to });
    }
    if (++done % 256 === 0) progress(done, total);
  }
  const present = new Set(listPacks(objectsDir).map((p) => p.pack));
  const missingPacks: string[] = [];
  for (const [pack, list] of rows) {
    if (!present.has(pack)) {
      missingPacks.push(pack);
      continue;
    }
    const wanted = new Map(list.map((r) => [r.offset, r.hash]));
    scanPack(packPath(objectsDir, pack), (e, data) => {
      const hash = wanted.get(e.offset);
      if (hash === undefined) return;
      wanted.delete(e.offset);
      bytes += e.size;
      if (crypto.createHash('sha256').update(data).digest('hex') !== hash || e.hash !== hash) {
        const to = quarantine(hash);
        if (to) fs.writeFileSync(to, data);
        badPacked.push({ hash, pack, offset: e.offset, quarantinedTo: to });
      }
      if (++done % 256 === 0) progress(done, total);
    });
    // Rows that point past a damaged tail, or between entries, found no entry.
    for (const [offset, hash] of wanted) badPacked.push({ hash, pack, offset, quarantinedTo: '' });
  }
  return { objects: total, bytes, bad, badPacked, missingPacks };
});

/** Each pack's rows, from a read-only connection of this worker's own. */
function packedRows(dbPath: string): Map<string, PackEntry[]> {
  if (!fs.existsSync(dbPath)) return new Map();
  const db = openSqlite(dbPath, { readonly: true });
  try {
    return packedRowsByPack(db);
  } finally {
    db.close();
  }
}
