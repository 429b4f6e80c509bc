import crypto from 'node:crypto';
import type { ArtifactKind, VersionSource } from '../../../shared/api/artifacts.js';
import { PACK_MAGIC } from '../store/packs.js';

/**
 * What a remote holds, under its root (a bucket's prefix, or a folder):
 *   objects/<sha256>              a content over 1 MiB, as it is
 *   packs/<name>.pack             small contents in the store's own pack format (each entry carries its hash)
 *   packs/<name>.idx              "hash offset size" lines; written after its pack, so a pack counts once indexed
 *   versions/<artifact>/<n>.<root>.json   a version's record; written after every content it names
 * The root hash is in the record's name, so one listing says which versions the remote has and
 * whether any disagrees with ours, without reading a record.
 */
export const objectKey = (hash: string) => `objects/${hash}`;
export const packKey = (pack: string) => `packs/${pack}.pack`;
export const indexKey = (pack: string) => `packs/${pack}.idx`;
export const versionKey = (artifact: string, number: number, root: string) =>
  `versions/${artifact}/${number}.${root}.json`;

export interface VersionRecord {
  format: 1;
  artifact: string;
  path: string;
  kind: ArtifactKind;
  number: number;
  rootHash: string;
  type: 'file' | 'dir';
  /** the manifest's canonical text, exactly what rootHash is computed over */
  entries: string;
  message: string | null;
  source: VersionSource;
  parent: number | null;
  createdAt: string;
}

export interface RemoteVersion {
  artifact: string;
  number: number;
  rootHash: string;
  key: string;
}

export interface Listing {
  loose: Set<string>;
  /** packs that have their index */
  packs: string[];
  versions: RemoteVersion[];
  bytes: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const VERSION = /^versions\/([^/]+)\/(\d+)\.([0-9a-f]{64})\.json$/;

export function parseListing(keys: Map<string, number>): Listing {
  const out: Listing = { loose: new Set(), packs: [], versions: [], bytes: 0 };
  for (const [key, size] of keys) {
    out.bytes += size;
    if (key.startsWith('objects/')) {
      const hash = key.slice('objects/'.length);
      if (HEX64.test(hash)) out.loose.add(hash);
    } else if (key.startsWith('packs/') && key.endsWith('.idx')) {
      const pack = key.slice('packs/'.length, -'.idx'.length);
      if (keys.has(packKey(pack))) out.packs.push(pack);
    } else {
      const m = VERSION.exec(key);
      if (m) out.versions.push({ artifact: m[1], number: Number(m[2]), rootHash: m[3], key });
    }
  }
  return out;
}

export interface IndexEntry {
  hash: string;
  offset: number;
  size: number;
}

export function parseIndex(text: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [hash, offset, size] = line.split(' ');
    if (!HEX64.test(hash) || !/^\d+$/.test(offset) || !/^\d+$/.test(size)) continue;
    out.push({ hash, offset: Number(offset), size: Number(size) });
  }
  return out;
}

/** A pack of small contents as the store writes them (packs.ts), with its index. */
export function encodePack(items: { hash: string; data: Buffer }[]): {
  pack: string;
  bytes: Buffer;
  index: string;
} {
  const parts: Buffer[] = [PACK_MAGIC];
  let at = PACK_MAGIC.length;
  let index = '';
  for (const { hash, data } of items) {
    const head = Buffer.allocUnsafe(36);
    head.write(hash, 0, 32, 'hex');
    head.writeUInt32LE(data.length, 32);
    parts.push(head, data);
    at += 36;
    index += `${hash} ${at} ${data.length}\n`;
    at += data.length;
  }
  const bytes = Buffer.concat(parts, at);
  // Named by its bytes: two pushes of the same contents write the same pack, never a second copy.
  return { pack: crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 32), bytes, index };
}
