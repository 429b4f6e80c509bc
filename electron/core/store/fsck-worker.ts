import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serveWorker } from '../jobs/worker.js';
import { listObjects } from './scan-objects.js';

export interface FsckObjectsResult {
  objects: number;
  bytes: number;
  bad: { hash: string; quarantinedTo: string }[];
}

const CHUNK = 1 << 20;

/** Re-hashes every object; one whose content does not match its name is moved to quarantine. */
serveWorker<{ objectsDir: string; quarantineDir: string }, FsckObjectsResult>(({ objectsDir, quarantineDir }, progress) => {
  const objects = listObjects(objectsDir);
  const buf = Buffer.allocUnsafe(CHUNK);
  const bad: FsckObjectsResult['bad'] = [];
  let bytes = 0;
  objects.forEach((o, i) => {
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
      fs.mkdirSync(quarantineDir, { recursive: true });
      const to = path.join(quarantineDir, `${o.hash}.${Date.now()}`);
      fs.renameSync(o.file, to);
      bad.push({ hash: o.hash, quarantinedTo: to });
    }
    if (i % 256 === 0) progress(i, objects.length);
  });
  return { objects: objects.length, bytes, bad };
});
