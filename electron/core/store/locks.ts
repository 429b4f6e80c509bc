import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { alive } from './objects.js';

/**
 * gc against versioning, across processes (the app, a CLI add, a pipeline step's log_artifact).
 * An add that finds a content already stored does not store it again, so a gc removing that content
 * at the same moment would leave the new version pointing at nothing. Each side announces itself
 * with a marker file in .strata/locks/, then looks for the other: of two that start together at
 * least one sees the other and steps back. A marker whose process is dead is ignored and removed.
 */
const LOCKS_DIR = 'locks';
const GC_MARKER = 'gc';

function dir(strataDir: string): string {
  const d = path.join(strataDir, LOCKS_DIR);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** Live markers of the given kind ('gc' or 'use'), with their pids; dead ones are removed. */
function live(strataDir: string, kind: 'gc' | 'use'): number[] {
  const out: number[] = [];
  const locks = dir(strataDir);
  for (const name of fs.readdirSync(locks)) {
    const isGc = name === GC_MARKER;
    if ((kind === 'gc') !== isGc) continue;
    const file = path.join(locks, name);
    const pid = Number(
      (isGc ? fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }) : name.split('-')[1]) ?? NaN,
    );
    if (Number.isInteger(pid) && alive(pid)) out.push(pid);
    else fs.rmSync(file, { force: true });
  }
  return out;
}

/**
 * Marks the store as in use (versioning or checking out) until release() is called. Waits while a
 * gc runs, up to waitMs, then gives up with a clear error.
 */
export async function useStore(strataDir: string, opts: { waitMs?: number } = {}): Promise<() => void> {
  const name = `use-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const file = path.join(dir(strataDir), name);
  const release = () => fs.rmSync(file, { force: true });
  const end = Date.now() + (opts.waitMs ?? 30_000);
  for (;;) {
    fs.writeFileSync(file, '');
    const gcs = live(strataDir, 'gc');
    if (gcs.length === 0) return release;
    release();
    if (Date.now() > end) {
      throw new StrataError(
        'CONFLICT',
        `strata gc (process ${gcs[0]}) is cleaning the object store; try again once it has finished`,
        { where: { file: path.join(dir(strataDir), GC_MARKER) } },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Takes the store for gc, or says who is using it. Returns release(). */
export function takeStoreForGc(strataDir: string): () => void {
  const file = path.join(dir(strataDir), GC_MARKER);
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (live(strataDir, 'gc').length > 0)
      throw new StrataError(
        'CONFLICT',
        'Another strata gc is running on this project; wait for it to finish',
      );
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  }
  const release = () => fs.rmSync(file, { force: true });
  const users = live(strataDir, 'use');
  if (users.length > 0) {
    release();
    throw new StrataError(
      'CONFLICT',
      `The object store is in use (versioning or a checkout in process ${users[0]}); run gc again once that has finished`,
    );
  }
  return release;
}
