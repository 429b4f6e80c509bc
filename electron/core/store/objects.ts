import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TMP_DIR = 'tmp';
export const QUARANTINE_DIR = 'quarantine';

export function objectPath(objectsDir: string, hash: string): string {
  return path.join(objectsDir, hash.slice(0, 2), hash.slice(2));
}

/** Temp names carry the writer's pid, so a cleaner can tell a live writer's files from a dead one's. */
export function tempPath(objectsDir: string): string {
  return path.join(objectsDir, TMP_DIR, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const cleaned = new Set<string>();

/**
 * Removes temp files left by a process that died mid-write. Files of other live processes (a CLI
 * add while the UI runs) are kept. Runs once per store per process: before this process has written
 * any temp file, so a leftover carrying our own (reused) pid is a dead process's too.
 */
export function cleanTemps(objectsDir: string): number {
  const dir = path.join(objectsDir, TMP_DIR);
  fs.mkdirSync(dir, { recursive: true });
  if (cleaned.has(objectsDir)) return 0;
  cleaned.add(objectsDir);
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true, recursive: true });
    removed++;
  }
  return removed;
}

/** fsync of a file, or of a folder so that the names in it are durable. */
export function fsyncPath(file: string): void {
  // Windows cannot open a folder as a file; NTFS makes renames durable with its journal anyway.
  if (process.platform === 'win32' && fs.statSync(file).isDirectory()) return;
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
