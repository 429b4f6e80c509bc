import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { Project } from '../../electron/core/project/project.js';
import { tempDir } from './cli.js';
import { listPacks, scanPack } from '../../electron/core/store/packs.js';

/** A project's store as the tests see it: by the files on disk and the rows of packed_objects, not through the engine's reader. */
export function storeOf(root: string) {
  const objects = path.join(root, '.strata', 'objects');
  const dbPath = path.join(root, '.strata', 'strata.db');
  const loose = (hash: string) => path.join(objects, hash.slice(0, 2), hash.slice(2));
  const row = (hash: string): { pack: string; offset: number; size: number } | undefined => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db.prepare('SELECT pack, offset, size FROM packed_objects WHERE hash = ?').get(hash) as
        { pack: string; offset: number; size: number } | undefined;
    } finally {
      db.close();
    }
  };
  const packFile = (pack: string) => path.join(objects, 'packs', `${pack}.pack`);
  return {
    objects,
    /** the stored bytes of a content, wherever they are; null when the store does not have it */
    read(hash: string): Buffer | null {
      if (fs.existsSync(loose(hash))) return fs.readFileSync(loose(hash));
      const r = row(hash);
      if (!r) return null;
      const fd = fs.openSync(packFile(r.pack), 'r');
      try {
        const buf = Buffer.alloc(r.size);
        fs.readSync(fd, buf, 0, r.size, r.offset);
        return buf;
      } finally {
        fs.closeSync(fd);
      }
    },
    packed(hash: string): boolean {
      return !fs.existsSync(loose(hash)) && row(hash) !== undefined;
    },
    /** Overwrites the start of a stored content in place (bit rot), keeping its length; returns the damaged bytes. */
    damage(hash: string, rot: string): Buffer {
      if (fs.existsSync(loose(hash))) {
        fs.chmodSync(loose(hash), 0o644);
        fs.writeFileSync(loose(hash), rot);
        return Buffer.from(rot);
      }
      const r = row(hash);
      if (!r) throw new Error(`${hash} is not stored`);
      const bytes = Buffer.from(rot).subarray(0, r.size);
      const fd = fs.openSync(packFile(r.pack), 'r+');
      try {
        fs.writeSync(fd, bytes, 0, bytes.length, r.offset);
      } finally {
        fs.closeSync(fd);
      }
      return this.read(hash) as Buffer;
    },
    /**
     * Checks that every content under a final name matches its hash: every loose object file, every
     * entry of every pack, and the bytes every packed_objects row points at. Returns how many
     * distinct contents the store can give back.
     */
    intact(expect: (actual: string, wanted: string, what: string) => void): number {
      const seen = new Set<string>();
      for (const shard of fs.readdirSync(objects).filter((s) => /^[0-9a-f]{2}$/.test(s))) {
        for (const name of fs.readdirSync(path.join(objects, shard))) {
          expect(
            crypto
              .createHash('sha256')
              .update(fs.readFileSync(path.join(objects, shard, name)))
              .digest('hex'),
            shard + name,
            `loose ${shard + name}`,
          );
          seen.add(shard + name);
        }
      }
      const entries = new Map<string, string>();
      for (const p of listPacks(objects)) {
        const scan = scanPack(p.file, (e, data) => {
          expect(
            crypto.createHash('sha256').update(data).digest('hex'),
            e.hash,
            `entry at ${e.offset} of pack ${p.pack}`,
          );
          entries.set(`${p.pack}:${e.offset}`, e.hash);
        });
        expect(String(scan.ok), 'true', `pack ${p.pack} reads to its end`);
      }
      const db = new Database(dbPath, { readonly: true });
      try {
        for (const r of db.prepare('SELECT hash, pack, offset FROM packed_objects').all() as {
          hash: string;
          pack: string;
          offset: number;
        }[]) {
          expect(entries.get(`${r.pack}:${r.offset}`) ?? 'no entry there', r.hash, `row of ${r.hash}`);
          seen.add(r.hash);
        }
      } finally {
        db.close();
      }
      return seen.size;
    },
  };
}

/**
 * A fresh initialised project per call, closed and deleted after each test; for test files that
 * version into throwaway projects. Call at the top level of the file (it registers an afterEach).
 */
export function throwawayProjects(): { project: () => Project; cleanups: (() => void)[] } {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  return {
    cleanups,
    project(): Project {
      const t = tempDir();
      const p = Project.init(t.dir);
      cleanups.push(() => {
        p.close();
        t.cleanup();
      });
      return p;
    },
  };
}
