import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db, Statement } from '../db/sqlite.js';
import { fsyncPath, objectPath, tempPath } from './objects.js';

/**
 * Pack files hold the store's small objects. One file per 4 KiB object capped a first add at about
 * 12,000 files/s here (each object cost a create, a write, a rename and its share of a file-system
 * sync); appending them to a few large files costs a memcpy each and one fdatasync per pack.
 *
 * A pack is immutable once it has its final name: `STRPACK1`, then for each object a 32-byte sha256,
 * its size as a u32 (little endian) and its bytes. Every entry carries its own hash, so fsck can check
 * a pack without the database. Where an object is (pack, offset of its bytes, size) is a row of
 * packed_objects, committed with the version that first needed it, after the pack is durable.
 */
export const PACKS_DIR = 'packs';
export const PACK_MAGIC = Buffer.from('STRPACK1');
/** Objects up to this size are packed; larger ones stay one file each, copied by the kernel. */
export const PACK_MAX_OBJECT = 1 << 20;
const ENTRY_HEADER = 36;
/** A pack is closed and a new one begun past this size, so that gc rewrites at most this much at a time. */
const PACK_TARGET = 256 << 20;
const WRITE_BUFFER = 8 << 20;

export interface PackedBatch {
  pack: string;
  hashes: string[];
  offsets: number[];
  sizes: number[];
}

export function packsDir(objectsDir: string): string {
  return path.join(objectsDir, PACKS_DIR);
}

export function packPath(objectsDir: string, pack: string): string {
  return path.join(packsDir(objectsDir), `${pack}.pack`);
}

/** Reads size bytes at position into `into`; returns how many it got (fewer at the end of the file). */
function readAt(fd: number, into: Buffer, size: number, position: number): number {
  let got = 0;
  let n: number;
  while (got < size && (n = fs.readSync(fd, into, got, size - got, position + got)) > 0) got += n;
  return got;
}

function cutShort(loc: { file: string; offset: number }): Error {
  return Object.assign(new Error(`${loc.file} ends before the object at offset ${loc.offset} does`), {
    code: 'EIO',
    path: loc.file,
  });
}

function newPackName(): string {
  return `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;
}

/** Appends objects to packs written under temp names; finish() makes them durable and names them. */
export class PackWriter {
  private fd: number | null = null;
  private tmp: string | null = null;
  private written = 0;
  private buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private used = 0;
  private batch: PackedBatch | null = null;
  private done: PackedBatch[] = [];

  constructor(private objectsDir: string) {}

  add(hash: string, data: Buffer): void {
    if (this.fd === null) this.open();
    const batch = this.batch as PackedBatch;
    const need = ENTRY_HEADER + data.length;
    if (this.used + need > this.buf.length) this.drain();
    this.buf.write(hash, this.used, 32, 'hex');
    this.buf.writeUInt32LE(data.length, this.used + 32);
    data.copy(this.buf, this.used + ENTRY_HEADER);
    batch.hashes.push(hash);
    batch.offsets.push(this.written + this.used + ENTRY_HEADER);
    batch.sizes.push(data.length);
    this.used += need;
    if (this.written + this.used >= PACK_TARGET) this.close();
  }

  /** Every pack durable under its final name; returns where each object went. */
  finish(): PackedBatch[] {
    if (this.fd !== null) this.close();
    if (this.done.length) fsyncPath(packsDir(this.objectsDir));
    return this.done.splice(0);
  }

  /** Removes what is not finished yet (a pack already named stays: rows for it may never come, gc takes it). */
  abandon(): void {
    const fd = this.fd;
    const tmp = this.tmp;
    this.fd = null;
    this.tmp = null;
    this.batch = null;
    // Best effort, under an error already on its way: a temp file left is removed at the next start.
    try {
      if (fd !== null) fs.closeSync(fd);
      if (tmp) fs.rmSync(tmp, { force: true });
    } catch {
      // the error that made us abandon is the one to report
    }
  }

  private open(): void {
    fs.mkdirSync(packsDir(this.objectsDir), { recursive: true });
    this.tmp = tempPath(this.objectsDir);
    fs.mkdirSync(path.dirname(this.tmp), { recursive: true });
    this.fd = fs.openSync(this.tmp, 'wx');
    this.written = 0;
    this.used = 0;
    PACK_MAGIC.copy(this.buf, 0);
    this.used = PACK_MAGIC.length;
    this.batch = { pack: newPackName(), hashes: [], offsets: [], sizes: [] };
  }

  private drain(): void {
    let off = 0;
    while (off < this.used)
      off += fs.writeSync(this.fd as number, this.buf, off, this.used - off, this.written + off);
    this.written += this.used;
    this.used = 0;
  }

  private close(): void {
    this.drain();
    const fd = this.fd as number;
    fs.fdatasyncSync(fd);
    // Forgotten before it is closed: a close that fails has still released the descriptor (Linux),
    // and closing it again could close another file that reused the number.
    this.fd = null;
    fs.closeSync(fd);
    const batch = this.batch as PackedBatch;
    fs.renameSync(this.tmp as string, packPath(this.objectsDir, batch.pack));
    this.tmp = null;
    this.batch = null;
    this.done.push(batch);
  }
}

/** Records where packed objects are; the caller runs it inside the transaction that commits their version. */
export function insertPacked(db: Db, batches: PackedBatch[]): void {
  if (batches.length === 0) return;
  const put = db.prepare(
    'INSERT OR IGNORE INTO packed_objects (hash, pack, offset, size) VALUES (?, ?, ?, ?)',
  );
  for (const b of batches)
    for (let i = 0; i < b.hashes.length; i++) put.run(b.hashes[i], b.pack, b.offsets[i], b.sizes[i]);
}

export interface ObjectLocation {
  file: string;
  /** where the bytes start in file, and how many: the whole file for a loose object */
  offset: number;
  size: number;
  packed: boolean;
}

const locateStatements = new WeakMap<Db, Statement>();

/** Where an object's bytes are, or null when the store does not have it. */
export function locateObject(db: Db, objectsDir: string, hash: string): ObjectLocation | null {
  const loose = objectPath(objectsDir, hash);
  const st = fs.statSync(loose, { throwIfNoEntry: false });
  if (st?.isFile()) return { file: loose, offset: 0, size: st.size, packed: false };
  let stmt = locateStatements.get(db);
  if (!stmt)
    locateStatements.set(
      db,
      (stmt = db.prepare('SELECT pack, offset, size FROM packed_objects WHERE hash = ?')),
    );
  const row = stmt.get(hash) as { pack: string; offset: number; size: number } | undefined;
  if (!row) return null;
  return { file: packPath(objectsDir, row.pack), offset: row.offset, size: row.size, packed: true };
}

/** Above this many questions, one read of every packed hash answers faster than a query each. */
const READ_PACKED_ABOVE = 1000;

/**
 * Answers "does the store have this content?" for about `count` questions to come: a stat and a
 * query each for a few, or, for many, one read of every packed hash and a stat only for a content
 * not packed (100,000 packed contents: 0.9 s asked one by one).
 */
export function storeHas(db: Db, objectsDir: string, count: number): (hash: string) => boolean {
  if (count <= READ_PACKED_ABOVE) return (hash) => locateObject(db, objectsDir, hash) !== null;
  const packed = new Set(db.prepare('SELECT hash FROM packed_objects').pluck().all() as string[]);
  return (hash) =>
    packed.has(hash) ||
    fs.statSync(objectPath(objectsDir, hash), { throwIfNoEntry: false })?.isFile() === true;
}

export function readRange(loc: { file: string; offset: number; size: number }): Buffer {
  const fd = fs.openSync(loc.file, 'r');
  try {
    const buf = Buffer.allocUnsafe(loc.size);
    if (readAt(fd, buf, loc.size, loc.offset) !== loc.size) throw cutShort(loc);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes objects' bytes to new files: a reflink or kernel copy for a loose object, a read from an
 * open pack for a packed one. Keeps each pack it reads open until close().
 */
export class ObjectReader {
  private fds = new Map<string, number>();
  private buf = Buffer.allocUnsafe(PACK_MAX_OBJECT);

  /** Writes the object to target (which must not exist) with this mode; returns target's stat. */
  copyTo(loc: ObjectLocation, target: string, mode: number): fs.Stats {
    if (!loc.packed) {
      fs.copyFileSync(loc.file, target, fs.constants.COPYFILE_FICLONE);
      fs.chmodSync(target, mode);
      return fs.statSync(target);
    }
    let src = this.fds.get(loc.file);
    if (src === undefined) this.fds.set(loc.file, (src = fs.openSync(loc.file, 'r')));
    const data = loc.size <= this.buf.length ? this.buf.subarray(0, loc.size) : Buffer.allocUnsafe(loc.size);
    if (readAt(src, data, loc.size, loc.offset) !== loc.size) throw cutShort(loc);
    const fd = fs.openSync(target, 'wx');
    try {
      for (let off = 0; off < loc.size;) off += fs.writeSync(fd, data, off, loc.size - off);
      fs.fchmodSync(fd, mode);
      return fs.fstatSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}

/** The packed_objects rows of each pack, in offset order (gc and fsck go through packs one by one). */
export function packedRowsByPack(db: Db): Map<string, PackEntry[]> {
  const out = new Map<string, PackEntry[]>();
  for (const [hash, pack, offset, size] of db
    .prepare('SELECT hash, pack, offset, size FROM packed_objects')
    .raw()
    .iterate() as IterableIterator<[string, string, number, number]>) {
    let list = out.get(pack);
    if (!list) out.set(pack, (list = []));
    list.push({ hash, offset, size });
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

export interface PackEntry {
  hash: string;
  offset: number;
  size: number;
}

/**
 * The entries of a pack, read from its headers; stops at the first header that is cut short or
 * names more bytes than the file has (a damaged tail), reporting how far it got.
 */
export function scanPack(
  file: string,
  onEntry: (e: PackEntry, data: Buffer) => void,
): { ok: boolean; entries: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.allocUnsafe(Math.max(ENTRY_HEADER, PACK_MAGIC.length));
    if (
      fs.readSync(fd, head, 0, PACK_MAGIC.length, 0) !== PACK_MAGIC.length ||
      !head.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)
    )
      return { ok: false, entries: 0 };
    let pos = PACK_MAGIC.length;
    let entries = 0;
    let data = Buffer.allocUnsafe(PACK_MAX_OBJECT);
    while (pos < size) {
      if (pos + ENTRY_HEADER > size || fs.readSync(fd, head, 0, ENTRY_HEADER, pos) !== ENTRY_HEADER)
        return { ok: false, entries };
      const hash = head.toString('hex', 0, 32);
      const len = head.readUInt32LE(32);
      const offset = pos + ENTRY_HEADER;
      if (offset + len > size) return { ok: false, entries };
      if (len > data.length) data = Buffer.allocUnsafe(len);
      if (readAt(fd, data, len, offset) !== len) return { ok: false, entries };
      onEntry({ hash, offset, size: len }, data.subarray(0, len));
      entries++;
      pos = offset + len;
    }
    return { ok: true, entries };
  } finally {
    fs.closeSync(fd);
  }
}

export interface PackFile {
  pack: string;
  file: string;
  size: number;
  mtimeMs: number;
}

export function listPacks(objectsDir: string): PackFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(packsDir(objectsDir));
  } catch {
    return [];
  }
  const out: PackFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.pack')) continue;
    const file = path.join(packsDir(objectsDir), name);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st?.isFile())
      out.push({ pack: name.slice(0, -'.pack'.length), file, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}
