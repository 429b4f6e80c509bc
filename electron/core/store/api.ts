import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { NAME_MAX, nameProblem } from '../../../shared/names.js';
import type { ArtifactKind, VersionSource } from '../../../shared/api/artifacts.js';
import { IGNORED_DIRS } from '../project/ignored.js';
import { explainFsError, type Project } from '../project/project.js';
import { announceVersioned } from './events.js';
import type { CacheRow, HashTreeInput, SkippedFile } from './hash-tree.js';
import { runHash } from './hash-pool.js';
import { linePath, parseEntries, rootHasher, rootHashOf, serializeLines } from './manifest.js';
import { cleanTemps, tempPath } from './objects.js';
import {
  insertPacked,
  locateObject,
  ObjectReader,
  packPath,
  type ObjectLocation,
  type PackedBatch,
} from './packs.js';
import { useStore } from './locks.js';
import { resolveInProject } from './paths.js';
import {
  findArtifact,
  findArtifactByPath,
  latestVersion,
  manifestText,
  syncDeclared,
  versionById,
  type ArtifactRow,
} from './repo.js';

export interface VersionRef {
  id: number;
  artifact: string;
  version: number;
  rootHash: string;
}

/** A recorded (or found) version, with the special files the folder had that it leaves out. */
export type Recorded = VersionRef & { created: boolean; skipped: SkippedFile[] };

export interface RecordOptions {
  path: string;
  name?: string;
  kind?: ArtifactKind;
  message?: string;
  source: VersionSource;
  runId?: string | null;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | null) => void;
  /** return any existing version with this content, not only the latest (the watcher after a checkout) */
  reuseAnyVersion?: boolean;
  /** the paths (relative to the artifact) the watcher saw change: other files are taken from the stat cache unstat'ed */
  changed?: string[] | null;
  /**
   * Store the content found here (an absolute path) as the version of `path`: a copy a terminal run
   * made when it logged the file, since the file in the workspace may have changed since. The stat
   * cache speaks for the workspace and is not updated from it (the copy's inodes match none of its rows).
   */
  from?: string;
}

/** Prepares the store for this process: leftover temp files of dead writers go, declared artifacts get rows. */
export function ensureStore(project: Project): void {
  // A project open for review is only read: no temp files cleared, no rows synced.
  if (project.readOnly) return;
  try {
    cleanTemps(project.objectsDir);
  } catch (err) {
    throw explainFsError(err, 'Cannot prepare the object store', project.objectsDir);
  }
  syncDeclared(project);
}

interface Hashed {
  type: 'file' | 'dir';
  /** null when nothing was stored: hashPath needs only the root hash */
  text: string | null;
  rootHash: string;
  fileCount: number;
  totalBytes: number;
  cache: CacheRow[];
  packed: PackedBatch[];
  skipped: SkippedFile[];
}

/** Folders with more files than this are hashed by several workers, one share each. */
const SPLIT_ABOVE_FILES = 4000;

/**
 * Hashes in worker threads: one for a file or a small folder, one per core for a large one, each
 * part walking its own run of the folder's top-level entries.
 */
async function hashInWorkers(
  project: Project,
  rel: string,
  store: boolean,
  opts: {
    signal?: AbortSignal;
    onProgress?: (d: number, t: number | null) => void;
    changed?: string[] | null;
    from?: string;
  },
): Promise<Hashed | null> {
  const source = opts.from
    ? { root: path.dirname(opts.from), rel: path.basename(opts.from) }
    : { root: project.root, rel };
  const abs = path.join(source.root, source.rel);
  // A large folder is split into contiguous runs of its sorted files, one per core: a first add
  // shares the hashing, and a re-check through the stat cache shares the stat calls.
  const parts = isLargeFolder(abs) ? Math.max(1, Math.min(os.availableParallelism(), 4)) : 1;
  const done = new Array<number>(parts).fill(0);
  const totals = new Array<number | null>(parts).fill(null);
  const results = await Promise.all(
    Array.from({ length: parts }, (_v, index) => {
      const input: HashTreeInput = {
        root: source.root,
        rel: source.rel,
        dbPath: project.dbPath,
        objectsDir: store ? project.objectsDir : null,
        part: { index, of: parts },
        changed: opts.changed ?? null,
      };
      return runHash(input, {
        signal: opts.signal,
        onProgress: (d, t) => {
          done[index] = d;
          totals[index] = t;
          opts.onProgress?.(
            done.reduce((a, b) => a + b, 0),
            totals.every((x) => x !== null) ? (totals as number[]).reduce((a, b) => a + b, 0) : null,
          );
        },
      });
    }),
  );
  const first = results[0];
  if (!first.exists) return null;
  if (first.whole)
    return {
      type: first.type,
      ...first.whole,
      fileCount: first.fileCount,
      cache: first.cache,
      packed: first.packed,
      skipped: first.skipped,
    };
  const cache: CacheRow[] = [];
  const packed: PackedBatch[] = [];
  const skipped: SkippedFile[] = [];
  let fileCount = 0;
  let totalBytes = 0;
  for (const r of results) {
    if (!r.exists || r.type !== first.type) {
      throw new StrataError(
        'CONFLICT',
        `${rel} changed while it was being versioned (it was removed or replaced); try again once it has settled`,
        { where: { file: abs } },
      );
    }
    for (const c of r.cache) cache.push(c);
    packed.push(...r.packed);
    skipped.push(...r.skipped);
    fileCount += r.fileCount;
    totalBytes += r.bytes;
  }
  // Part k walked the k-th run of the sorted top-level entries: its piece follows part k-1's. Only an
  // empty folder's own line ("x" sorts before "x-1", which may be in the piece before) can cross.
  const shares = results as Extract<(typeof results)[number], { exists: true }>[];
  const chunks = shares.map((r) => r.chunk as Uint8Array);
  let text: string | null = null;
  let rootHash: string;
  if (shares.some((r) => r.hasDirs)) {
    const lines = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => `${l}\n`);
    text = serializeLines(lines.map(linePath), lines);
    rootHash = rootHashOf(first.type, text);
  } else {
    const hasher = rootHasher(first.type);
    for (const c of chunks) hasher.update(c);
    rootHash = hasher.digest('hex');
    if (store) text = Buffer.concat(chunks).toString('utf8');
  }
  return {
    type: first.type,
    text,
    rootHash,
    fileCount,
    totalBytes,
    cache,
    packed,
    skipped: skipped.sort((x, y) => (x.path < y.path ? -1 : 1)),
  };
}

/** A cheap look at the first level or two, enough to tell a folder worth splitting from a small one. */
function isLargeFolder(abs: string): boolean {
  let count = 0;
  const stack = [abs];
  try {
    while (stack.length && count <= SPLIT_ABOVE_FILES) {
      const dir = stack.pop() as string;
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!d.isDirectory()) count++;
        else if (!IGNORED_DIRS.has(d.name)) stack.push(path.join(dir, d.name));
      }
    }
  } catch {
    return false;
  }
  return count > SPLIT_ABOVE_FILES;
}

function saveCache(project: Project, rows: CacheRow[]): void {
  if (rows.length === 0) return;
  const put = project.db.prepare(
    'INSERT OR REPLACE INTO stat_cache (path, size, mtime, ino, hash, stored, mode) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  project.db.transaction(() => {
    for (const r of rows) put.run(r);
  })();
}

/** The latest version when it has this content, or with anyVersion any version that has it. */
function findVersionWithRoot(
  project: Project,
  artifactId: number,
  rootHash: string,
  anyVersion: boolean,
): number | undefined {
  const latest = latestVersion(project, artifactId);
  if (latest?.rootHash === rootHash) return latest.id;
  if (!anyVersion) return undefined;
  return project.db
    .prepare('SELECT id FROM versions WHERE artifact_id = ? AND root_hash = ? ORDER BY number DESC LIMIT 1')
    .pluck()
    .get(artifactId, rootHash) as number | undefined;
}

/** "data/train.csv" → "train"; made unique against names other paths already use. */
function defaultName(project: Project, rel: string): string {
  const base = path.posix.basename(rel);
  const stem = base.includes('.') && !base.startsWith('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const cleaned = stem
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_MAX - 8);
  const clean = cleaned && !nameProblem(cleaned) ? cleaned : 'artifact';
  let name = clean;
  for (let i = 2; findArtifact(project, name); i++) name = `${clean}-${i}`;
  return name;
}

function pickArtifact(
  project: Project,
  rel: string,
  name: string | undefined,
  kind: ArtifactKind | undefined,
): { row: ArtifactRow | undefined; name: string } {
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem) throw new StrataError('BAD_REQUEST', `"${name}" cannot be an artifact name: ${problem}`);
    const row = findArtifact(project, name);
    if (row && row.path !== rel) {
      throw new StrataError(
        'CONFLICT',
        `The artifact "${name}" already tracks ${row.path}, not ${rel}. Pick another --name.`,
      );
    }
    if (row && kind && row.kind !== kind) {
      throw new StrataError('CONFLICT', `The artifact "${name}" is a ${row.kind}, not a ${kind}.`);
    }
    return { row, name };
  }
  const row = findArtifactByPath(project, rel);
  return { row, name: row?.name ?? defaultName(project, rel) };
}

/**
 * Versions the file or folder at relPath (creating the artifact if needed). Returns the existing
 * version when the content is unchanged (created: false). Objects are durable before the rows that
 * name them are committed, so no row ever points at a missing object.
 */
export async function recordVersion(project: Project, opts: RecordOptions): Promise<Recorded> {
  ensureStore(project);
  const { rel } = resolveInProject(project.root, opts.path);
  pickArtifact(project, rel, opts.name, opts.kind);
  const release = await useStore(project.strataDir);
  try {
    return await storeVersion(project, rel, opts);
  } finally {
    release();
  }
}

async function storeVersion(project: Project, rel: string, opts: RecordOptions): Promise<Recorded> {
  const result = await hashInWorkers(project, rel, true, opts);
  if (!result)
    throw new StrataError('NOT_FOUND', `${rel} does not exist in ${project.root}`, {
      where: { file: path.join(project.root, rel) },
    });
  const text = result.text;
  if (text === null) throw new StrataError('INTERNAL', `hashing ${rel} to store it returned no manifest`);
  const outcome = project.db
    .transaction(() => {
      // Contents stored by this add are recorded even when the version turns out to exist already.
      insertPacked(project.db, result.packed);
      const picked = pickArtifact(project, rel, opts.name, opts.kind);
      const artifactId =
        picked.row?.id ??
        Number(
          project.db
            .prepare('INSERT INTO artifacts (name, path, kind) VALUES (?, ?, ?)')
            .run(picked.name, rel, opts.kind ?? 'other').lastInsertRowid,
        );
      const latest = latestVersion(project, artifactId);
      const same = findVersionWithRoot(project, artifactId, result.rootHash, Boolean(opts.reuseAnyVersion));
      if (same !== undefined) return { id: same, created: false };
      project.db
        .prepare(
          'INSERT OR IGNORE INTO manifests (root_hash, type, file_count, total_bytes, entries) VALUES (?, ?, ?, ?, ?)',
        )
        .run(result.rootHash, result.type, result.fileCount, result.totalBytes, text);
      const id = Number(
        project.db
          .prepare(
            'INSERT INTO versions (artifact_id, number, root_hash, message, source, run_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            artifactId,
            (latest?.number ?? 0) + 1,
            result.rootHash,
            opts.message ?? null,
            opts.source,
            opts.runId ?? null,
            latest?.id ?? null,
          ).lastInsertRowid,
      );
      return { id, created: true };
    })
    .immediate();
  if (!opts.from) saveCache(project, result.cache);
  const info = versionById(project, outcome.id);
  if (outcome.created) announceVersioned(project, { artifact: info.artifact, version: info, created: true });
  return {
    id: info.id,
    artifact: info.artifact,
    version: info.number,
    rootHash: info.rootHash,
    created: outcome.created,
    skipped: result.skipped,
  };
}

/** Root hash of what is at relPath now, using the stat cache; writes no objects. null when the path does not exist. */
export async function hashPath(
  project: Project,
  relPath: string,
  opts: { signal?: AbortSignal } = {},
): Promise<string | null> {
  const { rel } = resolveInProject(project.root, relPath);
  const result = await hashInWorkers(project, rel, false, opts);
  if (!result) return null;
  saveCache(project, result.cache);
  return result.rootHash;
}

/**
 * Materialises the tree (or file) of the version with this root hash at relPath: copies (a reflink
 * where the file system offers one), never hard links, so editing the workspace cannot reach the
 * store. Files of a folder that the version does not have are removed, so the folder ends up
 * exactly as versioned. Each file is replaced atomically; a file the stat cache shows already has
 * the wanted content and mode is left as it is.
 */
export async function restoreVersion(
  project: Project,
  rootHash: string,
  relPath: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void } = {},
): Promise<void> {
  ensureStore(project);
  const release = await useStore(project.strataDir);
  try {
    await materialize(project, rootHash, relPath, opts);
  } catch (err) {
    throw explainFsError(err, 'Cannot check out', (err as { path?: string }).path ?? relPath);
  } finally {
    release();
  }
}

function packedLocations(project: Project): Map<string, ObjectLocation> {
  const out = new Map<string, ObjectLocation>();
  for (const [hash, pack, offset, size] of project.db
    .prepare('SELECT hash, pack, offset, size FROM packed_objects')
    .raw()
    .iterate() as IterableIterator<[string, string, number, number]>) {
    out.set(hash, { file: packPath(project.objectsDir, pack), offset, size, packed: true });
  }
  return out;
}

/** Files placed between two yields to the event loop (progress events, cancellation, other calls). */
const YIELD_EVERY = 2000;

async function materialize(
  project: Project,
  rootHash: string,
  relPath: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void },
): Promise<void> {
  const { rel, abs } = resolveInProject(project.root, relPath);
  const manifest = manifestText(project, rootHash);
  const entries = parseEntries(manifest.entries);
  const where = new Map<string, ObjectLocation>();
  // Every content is located before the workspace is touched, so a missing one changes nothing. For
  // many files one read of packed_objects beats a lookup (and a stat for a loose file) per file.
  const packed = entries.length > 1000 ? packedLocations(project) : null;
  for (const e of entries) {
    if (e.kind !== 'f' || where.has(e.hash)) continue;
    const loc = packed?.get(e.hash) ?? locateObject(project.db, project.objectsDir, e.hash);
    if (!loc)
      throw new StrataError(
        'NOT_FOUND',
        `The store is missing the content of ${rel}${e.path ? `/${e.path}` : ''} (${e.hash}); run \`strata fsck\``,
      );
    where.set(e.hash, loc);
  }
  // What the workspace holds now, as far as the stat cache vouches for it.
  const known = new Map<
    string,
    { size: number; mtime: number; ino: number; hash: string; mode: number | null }
  >();
  const rows = project.db
    .prepare(
      'SELECT path, size, mtime, ino, hash, mode FROM stat_cache WHERE path = ? OR (path >= ? AND path < ?)',
    )
    .all(rel, `${rel}/`, `${rel}0`) as {
    path: string;
    size: number;
    mtime: number;
    ino: number;
    hash: string;
    mode: number | null;
  }[];
  for (const r of rows) known.set(r.path, r);
  const reader = new ObjectReader();
  const made = new Set<string>();
  const cache: CacheRow[] = [];
  const place = (target: string, hash: string, mode: number, key: string) => {
    const had = known.get(key);
    if (had && had.hash === hash && had.mode === mode) {
      const st = fs.lstatSync(target, { throwIfNoEntry: false });
      if (st?.isFile() && st.size === had.size && st.mtimeMs === had.mtime && st.ino === had.ino) return;
    }
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const tmp = tempPath(project.objectsDir);
    // A rename keeps the inode and the times: the temp file's stat is the target's.
    let st = reader.copyTo(where.get(hash) as ObjectLocation, tmp, mode);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        // A folder where the version has a file.
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(tmp, target);
      } else if (code === 'EXDEV') {
        // The workspace may sit on another file system than .strata/: copy next to the target instead.
        const local = `${target}.strata-tmp`;
        fs.copyFileSync(tmp, local, fs.constants.COPYFILE_FICLONE);
        fs.rmSync(tmp, { force: true });
        fs.renameSync(local, target);
        st = fs.statSync(target);
      } else {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
    }
    cache.push([key, st.size, st.mtimeMs, st.ino, hash, 1, mode]);
  };
  try {
    if (manifest.type === 'file') {
      const e = entries[0];
      if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
        fs.rmSync(abs, { recursive: true, force: true });
      place(abs, e.hash, e.mode, rel);
    } else {
      if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) fs.rmSync(abs, { force: true });
      fs.mkdirSync(abs, { recursive: true });
      removeExtras(abs, new Set(entries.map((e) => e.path)));
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        const target = path.join(abs, ...e.path.split('/'));
        if (e.kind === 'd') fs.mkdirSync(target, { recursive: true });
        else place(target, e.hash, e.mode, `${rel}/${e.path}`);
        if (i % YIELD_EVERY === YIELD_EVERY - 1) {
          opts.onProgress?.(i + 1, entries.length);
          await new Promise((r) => setImmediate(r));
          if (opts.signal?.aborted)
            throw new StrataError(
              'CANCELLED',
              `Checkout of ${rel} cancelled after ${i + 1} of ${entries.length} files; run it again to finish`,
            );
        }
      }
      opts.onProgress?.(entries.length, entries.length);
    }
  } catch (err) {
    throw explainFsError(err, 'Cannot check out', abs);
  } finally {
    reader.close();
  }
  // Restored files were just written: they are not trusted by the racy-mtime rule of the next re-check
  // anyway, but recording them keeps a later re-check from reading them when they are old enough.
  saveCache(
    project,
    cache.filter((c) => Date.now() - c[2] > 1000),
  );
}

/** Deletes what is in dir but not in the version; ignored folders (__pycache__ …) are in none: left alone. */
function removeExtras(dir: string, keep: Set<string>): void {
  const keepDirs = new Set<string>();
  for (const p of keep) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) keepDirs.add(parts.slice(0, i).join('/'));
  }
  const visit = (rel: string) => {
    const here = rel ? path.join(dir, ...rel.split('/')) : dir;
    for (const d of fs.readdirSync(here, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory() && !d.isSymbolicLink()) {
        if (IGNORED_DIRS.has(d.name)) continue;
        if (keep.has(childRel) || keepDirs.has(childRel)) visit(childRel);
        else fs.rmSync(path.join(here, d.name), { recursive: true, force: true });
      } else if (!keep.has(childRel)) {
        fs.rmSync(path.join(here, d.name), { force: true });
      }
    }
  };
  visit('');
}
