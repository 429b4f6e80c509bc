import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { explainFsError } from '../project/project.js';
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

/**
 * Markers this process released but could not remove (a failing disk): they name a live process,
 * ours, so without this list they would lock the store until it exits. Each look removes them again.
 */
const released = new Set<string>();

/** Removes a marker; never throws (the operation it guarded is over), remembers what stayed. */
function removeMarker(file: string): void {
  try {
    fs.rmSync(file, { force: true });
    released.delete(file);
  } catch {
    released.add(file);
  }
}

/** Writes a marker; one that this call created but could not fill is removed again. */
function writeMarker(file: string, data: string, flag = 'w'): void {
  const fd = fs.openSync(file, flag);
  let filled = false;
  try {
    fs.writeFileSync(fd, data);
    filled = true;
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // the descriptor is released even so; what was written stays written
    }
    if (!filled) removeMarker(file);
  }
  released.delete(file);
}

/**
 * A gc marker without a pid is being written (created, not yet filled) or was left by a write that
 * failed: the first for a moment only, so one older than a few seconds is dead.
 */
function justMade(file: string): boolean {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs < 5000;
}

function lockError(err: unknown, strataDir: string): StrataError {
  return explainFsError(err, 'Cannot lock the object store', path.join(strataDir, LOCKS_DIR));
}
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
    if (released.has(file)) {
      removeMarker(file);
      continue;
    }
    const pid = Number(
      (isGc ? fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }) : name.split('-')[1]) ?? NaN,
    );
    if (Number.isInteger(pid) && pid > 0 ? alive(pid) : justMade(file)) out.push(pid);
    else removeMarker(file);
  }
  return out;
}

/**
 * Marks the store as in use (versioning or checking out) until release() is called. Waits while a
 * gc runs, up to waitMs, then gives up with a clear error.
 */
export async function useStore(strataDir: string, opts: { waitMs?: number } = {}): Promise<() => void> {
  const name = `use-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const end = Date.now() + (opts.waitMs ?? 30_000);
  for (;;) {
    let file = '';
    const release = () => file && removeMarker(file);
    let gcs: number[];
    try {
      file = path.join(dir(strataDir), name);
      writeMarker(file, '');
      gcs = live(strataDir, 'gc');
    } catch (err) {
      release();
      throw lockError(err, strataDir);
    }
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
  let file = '';
  try {
    file = path.join(dir(strataDir), GC_MARKER);
    writeMarker(file, String(process.pid), 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(err, strataDir);
    let others: number[];
    try {
      others = live(strataDir, 'gc');
      if (others.length === 0) writeMarker(file, String(process.pid), 'wx');
    } catch (e) {
      throw lockError(e, strataDir);
    }
    if (others.length > 0)
      throw new StrataError(
        'CONFLICT',
        'Another strata gc is running on this project; wait for it to finish',
      );
  }
  const release = () => removeMarker(file);
  let users: number[];
  try {
    users = live(strataDir, 'use');
  } catch (err) {
    release();
    throw lockError(err, strataDir);
  }
  if (users.length > 0) {
    release();
    throw new StrataError(
      'CONFLICT',
      `The object store is in use (versioning or a checkout in process ${users[0]}); run gc again once that has finished`,
    );
  }
  return release;
}

/**
 * A gc worker thread has ended: a marker it could not remove names this (live) process, so this
 * thread removes it, or remembers it as released.
 */
export function endGcOfThisProcess(strataDir: string): void {
  const file = path.join(strataDir, LOCKS_DIR, GC_MARKER);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8'));
  } catch {
    // none left, or unreadable: the next look decides
    return;
  }
  if (pid === process.pid) removeMarker(file);
}
