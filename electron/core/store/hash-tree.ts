import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { openSqlite, type Db, type Statement } from '../db/sqlite.js';
import { explainFsError } from '../project/project.js';
import { IGNORED_DIRS } from '../project/ignored.js';
import { dirLine, entryLine, rootHasher, rootHashOf, serializeLines, type TreeType } from './manifest.js';
import { fsyncPath, objectPath, tempPath } from './objects.js';
import { PACK_MAX_OBJECT, PackWriter, type PackedBatch } from './packs.js';
import { checkRealInside } from './paths.js';

export interface HashTreeInput {
  root: string;
  /** the artifact's path, relative to root */
  rel: string;
  dbPath: string;
  /** where to store contents; null only computes the hash and writes nothing */
  objectsDir: string | null;
  /**
   * this worker's share of a folder: the index-th of `of` contiguous runs of its sorted top-level
   * entries, each walked by one part only, so that the parts' pieces of the manifest follow one another
   */
  part: { index: number; of: number };
  /**
   * Paths (relative to the artifact) the file watcher saw change since the last check, or null.
   * With a list, a file neither in it nor under a folder in it is taken from the stat cache without
   * a stat: the watcher vouches that it did not change. The walk still runs, so additions and
   * removals are always seen.
   */
  changed?: string[] | null;
}

export type CacheRow = [
  path: string,
  size: number,
  mtime: number,
  ino: number,
  hash: string,
  stored: 0 | 1,
  mode: number | null,
];

export type HashTreeResult =
  | { exists: false }
  | {
      exists: true;
      type: TreeType;
      /**
       * this part's piece of the manifest text as UTF-8 (its files and empty folders, sorted); null
       * when whole is set. Bytes, not a string: the caller hashes them as they are, and 100,000
       * lines cross threads as one copy.
       */
      chunk: Uint8Array | null;
      /** whether the piece has empty folders: then pieces may need sorting across their borders */
      hasDirs: boolean;
      /**
       * set when this was the only part: the manifest text and root hash, so 100,000 lines need not
       * cross threads; text is null when nothing was stored (hashPath wants only the root hash)
       */
      whole: { text: string | null; rootHash: string; totalBytes: number } | null;
      fileCount: number;
      bytes: number;
      cache: CacheRow[];
      stored: number;
      /** small objects written to packs: the caller records them with the version, in one transaction */
      packed: PackedBatch[];
      /** special files (FIFOs, devices, sockets) in the folder, which are not versioned */
      skipped: SkippedFile[];
    };

/** A file a folder's version leaves out because it is no regular file: path relative to the artifact. */
export interface SkippedFile {
  path: string;
  kind: SpecialKind;
}

export type SpecialKind = 'FIFO' | 'socket' | 'character device' | 'block device' | 'special file';

/** Read size; a file up to this size is read whole into one buffer, and packed. */
const CHUNK = PACK_MAX_OBJECT;
/** While a large file is copied, what the copy has written is flushed every this many bytes hashed. */
const FLUSH_EVERY = 64 << 20;
const RETRIES = 3;
/** A file modified this recently may change again within the same mtime tick, so its stat is not trusted. */
const RACY_MS = 1000;
/** Above this many files, one listing of the store answers "is it stored?" faster than a stat per file. */
const LIST_STORE_ABOVE = 256;

class Changed extends Error {}

/**
 * Hashes a file or a share of a folder's files, storing every content not stored yet when
 * objectsDir is set. Synchronous 1 MiB reads on purpose: it runs in worker threads, where they
 * are several times faster than async reads. Every stored object is written under a temp name,
 * made durable, then renamed, so an object under its final name always has its full content.
 *
 * A re-check of a large unchanged folder is mostly this loop, so it keeps per-file allocations
 * that outlive the file to two strings (path and manifest line): garbage collection of longer-lived
 * objects, not the stats, dominated it.
 */
export async function hashTree(
  input: HashTreeInput,
  progress: (done: number, total: number | null) => void,
): Promise<HashTreeResult> {
  const abs = path.join(input.root, input.rel);
  let top: fs.Stats;
  try {
    top = fs.statSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false };
    throw explainFsError(err, 'Cannot read', abs);
  }
  checkRealInside(input.root, abs, input.rel);
  if (!top.isDirectory() && !top.isFile()) throw notRegular(abs, input.rel, top);
  const type: TreeType = top.isDirectory() ? 'dir' : 'file';
  const dirs: string[] = [];
  const skipped: SkippedFile[] = [];
  const files: string[] = type === 'file' ? [''] : walk(input.root, input.rel, dirs, input.part, skipped);
  // One read-only connection for the stat cache and the packed_objects lookups.
  const db = fs.existsSync(input.dbPath) ? openSqlite(input.dbPath, { readonly: true }) : null;
  const stored = input.objectsDir ? new StoreIndex(input.objectsDir, db) : null;
  const hasher = new Hasher(input.objectsDir, stored);
  const cache = new CacheCursor(
    db,
    input.rel,
    type,
    files.length ? `${input.rel}/${files[0]}` : `${input.rel}/`,
  );
  const updates: CacheRow[] = [];
  const lines = new Lines(
    type,
    dirs.length ? 'kept' : input.part.of === 1 && !input.objectsDir ? 'hash' : 'bytes',
  );
  const total = type === 'file' ? top.size : null;
  const keyPrefix = `${input.rel}/`;
  const vouched = type === 'dir' && input.changed ? touchedBy(input.changed) : null;
  const absPrefix = `${abs}/`;
  let bytes = 0;
  const now = Date.now();
  try {
    for (let i = 0; i < files.length; i++) {
      const rel = files[i];
      const key = type === 'file' ? input.rel : keyPrefix + rel;
      const fileAbs = type === 'file' ? abs : absPrefix + rel;
      const hit = cache.find(key);
      // A cached hash saves the read, but content first seen by hashPath was never stored.
      if (hit && (!stored || hit[5] === 1 || stored.has(hit[4]))) {
        if (vouched && hit[6] !== null && !vouched(rel)) {
          lines.add(entryLine('f', hit[6], hit[1], hit[4], rel));
          bytes += hit[1];
          continue;
        }
        const st = fs.statSync(fileAbs, { throwIfNoEntry: false });
        if (!st) throw fileError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), fileAbs);
        if (st.size === hit[1] && st.mtimeMs === hit[2] && st.ino === hit[3]) {
          lines.add(entryLine('f', modeOf(st), st.size, hit[4], rel));
          if ((stored && hit[5] === 0) || hit[6] !== modeOf(st))
            updates.push([hit[0], hit[1], hit[2], hit[3], hit[4], stored ? 1 : hit[5], modeOf(st)]);
          bytes += st.size;
          continue;
        }
      }
      const r = await hasher.hashFile(fileAbs, (n) => total !== null && progress(bytes + n, total));
      lines.add(entryLine('f', modeOf(r.stat), r.stat.size, r.hash, rel));
      if (now - r.stat.mtimeMs > RACY_MS)
        updates.push([key, r.stat.size, r.stat.mtimeMs, r.stat.ino, r.hash, stored ? 1 : 0, modeOf(r.stat)]);
      bytes += r.stat.size;
      if (total === null && i % 256 === 0) progress(i, files.length);
    }
    const packed = hasher.finish();
    progress(files.length, files.length);
    const common = {
      exists: true as const,
      type,
      hasDirs: dirs.length > 0,
      fileCount: files.length,
      bytes,
      cache: updates,
      stored: hasher.stored,
      packed,
      skipped,
    };
    if (lines.kept) {
      const text = serializeLines([...files, ...dirs], [...lines.kept, ...dirs.map(dirLine)]);
      if (input.part.of === 1)
        return {
          ...common,
          chunk: null,
          whole: { text, rootHash: rootHashOf(type, text), totalBytes: bytes },
        };
      return { ...common, chunk: Buffer.from(text), whole: null };
    }
    // A copy of exactly the text's length: an answer would carry the whole grown buffer.
    if (input.part.of > 1) return { ...common, chunk: new Uint8Array(lines.text()), whole: null };
    if (input.objectsDir) {
      const utf8 = lines.text();
      const rootHash = rootHasher(type).update(utf8).digest('hex');
      return { ...common, chunk: null, whole: { text: utf8.toString('utf8'), rootHash, totalBytes: bytes } };
    }
    return { ...common, chunk: null, whole: { text: null, rootHash: lines.rootHash(), totalBytes: bytes } };
  } catch (err) {
    hasher.abandon();
    throw err;
  } finally {
    db?.close();
  }
}

/**
 * A walk's manifest lines. Kept one string each only when empty folders must be placed among them;
 * otherwise gathered 64 KiB at a time into the root hash (when only that is wanted and this is the
 * only part) or into UTF-8 bytes, so that no line outlives the loop: 100,000 kept lines were copied
 * by every young-generation collection and promoted, a tenth of a re-check's time.
 */
class Lines {
  readonly kept: string[] | null;
  private hash: crypto.Hash | null;
  private bytes: Buffer | null;
  private used = 0;
  private pending = '';

  constructor(type: TreeType, into: 'kept' | 'hash' | 'bytes') {
    this.kept = into === 'kept' ? [] : null;
    this.hash = into === 'hash' ? rootHasher(type) : null;
    this.bytes = into === 'bytes' ? Buffer.allocUnsafeSlow(1 << 16) : null;
  }

  add(line: string): void {
    if (this.kept) this.kept.push(line);
    else if ((this.pending += line).length >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.hash) this.hash.update(this.pending);
    else if (this.bytes) {
      const need = this.used + Buffer.byteLength(this.pending);
      if (need > this.bytes.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(need, this.bytes.length * 2));
        this.bytes.copy(grown, 0, 0, this.used);
        this.bytes = grown;
      }
      this.used += this.bytes.write(this.pending, this.used);
    }
    this.pending = '';
  }

  /** The root hash, when the lines went into it. */
  rootHash(): string {
    this.flush();
    return (this.hash as crypto.Hash).digest('hex');
  }

  /** The lines' text as UTF-8. */
  text(): Buffer {
    this.flush();
    return (this.bytes as Buffer).subarray(0, this.used);
  }
}

/**
 * Answers "is this content stored?" (a loose object file, or a packed_objects row): one look per
 * question at first, then, once many were asked (a large first add), one listing of the whole store.
 */
class StoreIndex {
  private listed: Set<string> | null = null;
  private asked = 0;
  private packed: Statement | null;

  constructor(
    private dir: string,
    private db: Db | null,
  ) {
    this.packed = db ? db.prepare('SELECT 1 FROM packed_objects WHERE hash = ?').pluck() : null;
  }

  has(hash: string): boolean {
    if (++this.asked <= LIST_STORE_ABOVE)
      return fs.existsSync(objectPath(this.dir, hash)) || this.packed?.get(hash) !== undefined;
    if (!this.listed) {
      this.listed = new Set();
      for (const shard of fs.readdirSync(this.dir)) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue;
        for (const name of fs.readdirSync(path.join(this.dir, shard))) this.listed.add(shard + name);
      }
      if (this.db)
        for (const h of this.db.prepare('SELECT hash FROM packed_objects').pluck().iterate())
          this.listed.add(h as string);
    }
    return this.listed.has(hash);
  }

  add(hash: string): void {
    this.listed?.add(hash);
  }
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // see the callers
  }
}

/** Writes len bytes of buf at position, in libuv's pool; a short write continues where it stopped. */
function writeAll(fd: number, buf: Buffer, len: number, position: number, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number) =>
      fs.write(fd, buf, off, len - off, position + off, (err, written) => {
        if (err) reject(Object.assign(err, { path: file }));
        else if (off + written < len) step(off + written);
        else resolve();
      });
    step(0);
  });
}

/** Whether a path is one of the changed paths or lies under one of them (a changed folder). */
function touchedBy(changed: string[]): (rel: string) => boolean {
  const set = new Set(changed);
  return (rel) => {
    if (set.has(rel)) return true;
    for (let at = rel.indexOf('/'); at !== -1; at = rel.indexOf('/', at + 1))
      if (set.has(rel.slice(0, at))) return true;
    return false;
  };
}

function modeOf(st: fs.Stats): number {
  return st.mode & 0o111 ? 0o755 : 0o644;
}

function statFile(abs: string): fs.Stats {
  try {
    return fs.statSync(abs);
  } catch (err) {
    throw fileError(err, abs);
  }
}

/** What kind of special file a stat shows. */
export function specialKind(st: fs.Stats): SpecialKind {
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'special file';
}

/**
 * Reading a FIFO blocks until a writer comes and a device has no content to version (a character
 * device would be recorded as an empty file): such a path is refused by name.
 */
function notRegular(abs: string, rel: string, st: fs.Stats): StrataError {
  return new StrataError(
    'BAD_REQUEST',
    `${rel} is a ${specialKind(st)}, not a regular file; Strata versions regular files and folders only`,
    { where: { file: abs } },
  );
}

function fileError(err: unknown, abs: string): StrataError {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    return new StrataError(
      'CONFLICT',
      `${abs} disappeared while it was being versioned; try again once the folder has settled`,
      { where: { file: abs }, cause: err },
    );
  }
  return explainFsError(err, 'Cannot version', abs);
}

/**
 * Lists the files of a folder in path order, and records its empty folders into dirs. Each folder's
 * children are sorted with a folder compared as "name/", the first characters of all its paths, so
 * visiting them depth first yields every path in sorted order without sorting them all.
 */
function walk(
  root: string,
  artifactRel: string,
  dirs: string[],
  part: { index: number; of: number },
  skipped: SkippedFile[],
): string[] {
  const base = path.join(root, artifactRel);
  const files: string[] = [];
  const visit = (rel: string): void => {
    const dir = rel ? `${base}/${rel}` : base;
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw explainFsError(err, 'Cannot read the folder', dir);
    }
    const keys: string[] = [];
    // Special files are listed for the caller (the version leaves them out), by the part that walks
    // their run of the top level, so that each is listed once.
    const specials: string[] = [];
    for (const d of list) {
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        const childRel = rel ? `${rel}/${d.name}` : d.name;
        const childAbs = `${dir}/${d.name}`;
        checkRealInside(root, childAbs, `${artifactRel}/${childRel}`);
        const st = statFile(childAbs);
        if (st.isDirectory()) {
          throw new StrataError(
            'BAD_REQUEST',
            `${artifactRel}/${childRel} is a symlink to a folder; Strata versions files and real folders only`,
            { where: { file: childAbs } },
          );
        }
        isDir = false;
        isFile = st.isFile();
      }
      if (isDir) {
        if (!IGNORED_DIRS.has(d.name)) keys.push(`${d.name}/`);
      } else if (isFile) keys.push(d.name);
      else specials.push(d.name);
    }
    if (keys.length === 0 && rel) dirs.push(rel);
    keys.sort();
    // The top level is shared out: this part walks only its run of it.
    const mine =
      rel || part.of === 1
        ? keys
        : keys.slice(
            Math.floor((keys.length * part.index) / part.of),
            Math.floor((keys.length * (part.index + 1)) / part.of),
          );
    for (const name of specials) {
      if (!rel && part.of > 1 && !ownsName(keys, name, part)) continue;
      const childRel = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(`${dir}/${name}`, { throwIfNoEntry: false });
      if (st && !st.isFile() && !st.isDirectory()) skipped.push({ path: childRel, kind: specialKind(st) });
    }
    for (const k of mine) {
      if (k.endsWith('/')) visit(rel ? `${rel}/${k.slice(0, -1)}` : k.slice(0, -1));
      else files.push(rel ? `${rel}/${k}` : k);
    }
  };
  visit('');
  return files;
}

/** Whether a top-level special file falls in this part's run of the sorted entries (by where it would sort). */
function ownsName(keys: string[], name: string, part: { index: number; of: number }): boolean {
  let at = 0;
  while (at < keys.length && keys[at] < name) at++;
  const from = Math.floor((keys.length * part.index) / part.of);
  const to = Math.floor((keys.length * (part.index + 1)) / part.of);
  return part.index === part.of - 1 ? at >= from : at >= from && at < to;
}

/** Stat cache rows read at a time: one query per page costs a quarter less than one call per row. */
const CACHE_PAGE = 1024;
const CACHE_COLUMNS = 'SELECT path, size, mtime, ino, hash, stored, mode FROM stat_cache';

/**
 * The stat cache rows of an artifact, read in path order alongside the walk (which asks in path
 * order too), a page at a time, so the rows of 100,000 files are never all held at once. A path
 * SQLite orders differently (its byte order differs from JavaScript's for a few characters) is only
 * a miss.
 */
class CacheCursor {
  private page: CacheRow[] = [];
  private at = 0;
  private more: Statement | null = null;
  private end = '';

  /** from: the first key this walk asks for (a part's run starts there) */
  constructor(db: Db | null, rel: string, type: TreeType, from: string) {
    if (!db) return;
    if (type === 'file') {
      this.page = db.prepare(`${CACHE_COLUMNS} WHERE path = ?`).raw().all(rel) as CacheRow[];
      return;
    }
    this.end = `${rel}0`;
    const range = `AND path < ? ORDER BY path LIMIT ${CACHE_PAGE}`;
    this.page = db
      .prepare(`${CACHE_COLUMNS} WHERE path >= ? ${range}`)
      .raw()
      .all(from, this.end) as CacheRow[];
    this.more = db.prepare(`${CACHE_COLUMNS} WHERE path > ? ${range}`).raw();
  }

  find(key: string): CacheRow | undefined {
    for (;;) {
      while (this.at < this.page.length && this.page[this.at][0] < key) this.at++;
      if (this.at < this.page.length || this.page.length < CACHE_PAGE || !this.more) break;
      this.page = this.more.all(this.page[this.page.length - 1][0], this.end) as CacheRow[];
      this.at = 0;
    }
    const row = this.page[this.at];
    return row && row[0] === key ? row : undefined;
  }
}

/** Hashes files and stores new contents: small ones appended to a pack, large ones one file each. */
class Hasher {
  stored = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private packs: PackWriter | null;
  private packedHashes = new Set<string>();
  private shards = new Set<string>();

  constructor(
    private objectsDir: string | null,
    private index: StoreIndex | null,
  ) {
    this.packs = objectsDir ? new PackWriter(objectsDir) : null;
  }

  async hashFile(abs: string, onBytes: (n: number) => void): Promise<{ hash: string; stat: fs.Stats }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryHash(abs, onBytes);
      } catch (err) {
        if (!(err instanceof Changed)) throw err;
        if (attempt >= RETRIES) {
          throw new StrataError(
            'CONFLICT',
            `${abs} kept changing while it was being hashed (${RETRIES} tries); version it once it is completely written`,
            { where: { file: abs } },
          );
        }
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  private async tryHash(
    abs: string,
    onBytes: (n: number) => void,
  ): Promise<{ hash: string; stat: fs.Stats }> {
    let fd: number;
    try {
      // Non-blocking: a FIFO swapped in after the walk must not block the open until a writer comes.
      fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (err) {
      throw fileError(err, abs);
    }
    let tmp: string | null = null;
    let tmpFd: number | null = null;
    const writes: (Promise<void> | null)[] = [null, null];
    let flushing: Promise<void> | null = null;
    try {
      const before = fs.fstatSync(fd);
      if (!before.isFile()) throw notRegular(abs, abs, before);
      let total = 0;
      let n: number;
      const small = before.size <= PACK_MAX_OBJECT;
      let hash = '';
      if (small) {
        // A small file is hashed in one call (no hasher object per file: a tenth of a 4 KiB file's cost).
        while (total < before.size && (n = fs.readSync(fd, this.buf, total, CHUNK - total, total)) > 0)
          total += n;
        hash = crypto.hash('sha256', this.buf.subarray(0, total));
      } else {
        if (this.objectsDir) {
          tmp = tempPath(this.objectsDir);
          tmpFd = fs.openSync(tmp, 'wx');
        }
        // A large file is copied by writing out what this thread reads: each chunk's write runs in
        // libuv's pool while this thread hashes it, on two cores, from two alternating buffers. The
        // loop reads at most the size seen at the start, so a file that shrinks or grows meanwhile
        // ends it (and the checks below catch it): the kernel's copyFile, which this replaced, spins
        // forever when its source is truncated under it.
        const h = crypto.createHash('sha256');
        for (let i = 0; total < before.size; i++) {
          const slot = i & 1;
          if (writes[slot]) await writes[slot];
          const buf = slot ? this.spare() : this.buf;
          n = fs.readSync(fd, buf, 0, Math.min(CHUNK, before.size - total), total);
          if (n === 0) break;
          if (tmpFd !== null) {
            const w = writeAll(tmpFd, buf, n, total, tmp as string);
            // Handled where it is awaited; this keeps a failure seen before then from counting as unhandled.
            w.catch(() => undefined);
            writes[slot] = w;
          }
          h.update(buf.subarray(0, n));
          total += n;
          onBytes(total);
          // What is written so far goes out to disk now and then, so that writing a GiB overlaps the
          // hashing instead of following it.
          if (tmpFd !== null && total % FLUSH_EVERY === 0 && !flushing) {
            const flushFd = tmpFd;
            flushing = new Promise<void>((resolve) => fs.fdatasync(flushFd, () => resolve())).then(() => {
              flushing = null;
            });
          }
        }
        for (const w of writes) if (w) await w;
        hash = h.digest('hex');
      }
      if (flushing) await flushing;
      if (tmpFd !== null) fs.fdatasyncSync(tmpFd);
      const after = fs.fstatSync(fd);
      if (total !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
        throw new Changed();
      if (this.objectsDir) {
        if (small) this.storeSmall(hash, this.buf.subarray(0, total));
        else {
          this.place(tmp as string, hash);
          tmp = null;
        }
      }
      return { hash, stat: after };
    } catch (err) {
      if (err instanceof Changed || err instanceof StrataError) throw err;
      throw fileError(err, (err as NodeJS.ErrnoException).path === tmp ? (tmp as string) : abs);
    } finally {
      // Best effort: the outcome (or the error on its way) is decided; a temp file left behind is
      // removed at the next start.
      quietly(() => fs.closeSync(fd));
      // A write still running must not outlive its temp file (or find its fd reused).
      for (const w of writes) if (w) await w.catch(() => undefined);
      if (flushing) await flushing;
      if (tmpFd !== null) quietly(() => fs.closeSync(tmpFd as number));
      if (tmp) quietly(() => fs.rmSync(tmp as string, { force: true }));
    }
  }

  private spareBuf: Buffer | null = null;

  /** The second read buffer, made on the first large file only. */
  private spare(): Buffer {
    return (this.spareBuf ??= Buffer.allocUnsafe(CHUNK));
  }

  /** A small content goes to a pack (once per content): no file of its own, no sync of its own. */
  private storeSmall(hash: string, data: Buffer): void {
    if (this.packedHashes.has(hash) || this.index?.has(hash)) return;
    try {
      (this.packs as PackWriter).add(hash, data);
    } catch (err) {
      throw explainFsError(err, 'Cannot write the object store', this.objectsDir as string);
    }
    this.packedHashes.add(hash);
    this.index?.add(hash);
    this.stored++;
  }

  /** Renames a durable temp file to its object name, unless that content is already stored. */
  private place(tmp: string, hash: string): void {
    // No existence check: renaming over an object that another writer stored meanwhile replaces it
    // with the same bytes, atomically.
    const final = objectPath(this.objectsDir as string, hash);
    this.index?.add(hash);
    const shard = path.dirname(final);
    if (!this.shards.has(shard)) {
      fs.mkdirSync(shard, { recursive: true });
      this.shards.add(shard);
    }
    fs.renameSync(tmp, final);
    this.stored++;
  }

  /**
   * Packs durable and named, and the renames of large objects durable: the caller commits the rows
   * that name them after this.
   */
  finish(): PackedBatch[] {
    if (!this.objectsDir) return [];
    try {
      const packed = (this.packs as PackWriter).finish();
      for (const shard of this.shards) fsyncPath(shard);
      return packed;
    } catch (err) {
      throw explainFsError(err, 'Cannot write the object store', this.objectsDir);
    }
  }

  abandon(): void {
    this.packs?.abandon();
  }
}
