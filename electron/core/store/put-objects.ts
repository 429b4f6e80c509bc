import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../db/sqlite.js';
import { explainFsError } from '../project/project.js';
import { entryLine, rootHashOf } from './manifest.js';
import { fsyncPath, objectPath, tempPath } from './objects.js';
import { insertPacked, locateObject, PACK_MAX_OBJECT, PackWriter } from './packs.js';

export interface TreeFile {
  /** path in the tree, forward slashes */
  path: string;
  mode: number;
  size: number;
  hash: string;
}

/**
 * Stores contents that are no artifact's files (a run's diff and untracked files) under the same
 * rules: up to 1 MiB into a pack, larger ones as one file each, durable before record() names them
 * in a manifest. The manifest row is what keeps them from gc, and lets restoreVersion put them back.
 * The caller holds the store (useStore) from the first put to record().
 */
export class ObjectPutter {
  private packs: PackWriter;
  private inPacks = new Set<string>();
  readonly files: TreeFile[] = [];

  constructor(
    private db: Db,
    private objectsDir: string,
  ) {
    this.packs = new PackWriter(objectsDir);
  }

  /** Stores the bytes as the file at treePath. */
  putBuffer(treePath: string, data: Buffer, mode = 0o644): TreeFile {
    const hash = crypto.createHash('sha256').update(data).digest('hex');
    if (!this.inPacks.has(hash) && !locateObject(this.db, this.objectsDir, hash)) {
      if (data.length <= PACK_MAX_OBJECT) {
        this.packs.add(hash, data);
        this.inPacks.add(hash);
      } else {
        const tmp = tempPath(this.objectsDir);
        fs.mkdirSync(path.dirname(tmp), { recursive: true });
        fs.writeFileSync(tmp, data, { flag: 'wx' });
        this.settleLoose(tmp, hash);
      }
    }
    return this.add({ path: treePath, mode, size: data.length, hash });
  }

  /**
   * Stores what the stream yields (any size: it is written to a temp file while hashed, never held
   * whole in memory) as the file at treePath. The first `keep` bytes come back too, for a preview.
   */
  async putStream(treePath: string, stream: Readable, keep = 0): Promise<TreeFile & { head: Buffer }> {
    const tmp = tempPath(this.objectsDir);
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    const fd = fs.openSync(tmp, 'wx');
    const hasher = crypto.createHash('sha256');
    const head: Buffer[] = [];
    let size = 0;
    let headBytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hasher.update(chunk);
        if (headBytes < keep) {
          head.push(chunk.subarray(0, keep - headBytes));
          headBytes += Math.min(chunk.length, keep - headBytes);
        }
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        size += chunk.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    const hash = hasher.digest('hex');
    if (this.inPacks.has(hash) || locateObject(this.db, this.objectsDir, hash))
      fs.rmSync(tmp, { force: true });
    else if (size <= PACK_MAX_OBJECT) {
      this.packs.add(hash, fs.readFileSync(tmp));
      this.inPacks.add(hash);
      fs.rmSync(tmp, { force: true });
    } else this.settleLoose(tmp, hash);
    return { ...this.add({ path: treePath, mode: 0o644, size, hash }), head: Buffer.concat(head) };
  }

  /**
   * Makes the packs durable and records them and a manifest of every file put, in the caller's
   * transaction. Returns the manifest's root hash, or null when nothing was put.
   */
  finish(): () => string | null {
    const batches = this.packs.finish();
    const files = [...this.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return () => {
      insertPacked(this.db, batches);
      if (files.length === 0) return null;
      const text = files.map((f) => entryLine('f', f.mode, f.size, f.hash, f.path)).join('');
      const root = rootHashOf('dir', text);
      this.db
        .prepare(
          'INSERT OR IGNORE INTO manifests (root_hash, type, file_count, total_bytes, entries) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          root,
          'dir',
          files.length,
          files.reduce((n, f) => n + f.size, 0),
          text,
        );
      return root;
    };
  }

  abandon(): void {
    this.packs.abandon();
  }

  private add(file: TreeFile): TreeFile {
    this.files.push(file);
    return file;
  }

  /** A loose object: bytes durable, then the final name, then that name durable. */
  private settleLoose(tmp: string, hash: string): void {
    const dest = objectPath(this.objectsDir, hash);
    try {
      fsyncPath(tmp);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.renameSync(tmp, dest);
      fsyncPath(path.dirname(dest));
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw explainFsError(err, 'Cannot store an object', dest);
    }
  }
}
