import crypto from 'node:crypto';
import { StrataError } from '../../../shared/errors.js';

export type TreeType = 'file' | 'dir';

export interface ManifestEntry {
  /** relative to the artifact's path; '' for a single-file artifact */
  path: string;
  kind: 'f' | 'd';
  /** 0o644 or 0o755 for files (only the executable bit is kept, as git does); 0 for folders */
  mode: number;
  size: number;
  /** content hash; '-' for an empty folder, which is recorded so that checkout restores it */
  hash: string;
}

export interface Manifest {
  type: TreeType;
  entries: ManifestEntry[];
}

const HEADER = 'strata-tree-1';

export const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The canonical text of a manifest: one line per entry, sorted by path; paths are JSON-quoted so
 * names with spaces, unicode or newlines stay on one line. The root hash is over exactly this text.
 */
export function serializeEntries(entries: ManifestEntry[]): string {
  const sorted = [...entries].sort(byPath);
  let out = '';
  for (const e of sorted) out += `${e.kind} ${e.mode.toString(8)} ${e.size} ${e.hash} ${JSON.stringify(e.path)}\n`;
  return out;
}

export function rootHashOf(type: TreeType, text: string): string {
  return crypto.createHash('sha256').update(`${HEADER} ${type}\n`).update(text).digest('hex');
}

export function parseEntries(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^([fd]) ([0-7]+) (\d+) ([0-9a-f]{64}|-) (".*")$/.exec(line);
    if (!m) throw new StrataError('INTERNAL', `corrupt manifest line: ${line.slice(0, 120)}`);
    out.push({ kind: m[1] as 'f' | 'd', mode: parseInt(m[2], 8), size: Number(m[3]), hash: m[4], path: JSON.parse(m[5]) as string });
  }
  return out;
}
