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

export const byPath = (a: { path: string }, b: { path: string }): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/**
 * The canonical text of a manifest: one line per entry, sorted by path; paths are JSON-quoted so
 * names with spaces, unicode or newlines stay on one line. The root hash is over exactly this text.
 */
export function serializeEntries(entries: ManifestEntry[]): string {
  const sorted = [...entries].sort(byPath);
  let out = '';
  for (const e of sorted) out += entryLine(e.kind, e.mode, e.size, e.hash, e.path);
  return out;
}

export function entryLine(kind: 'f' | 'd', mode: number, size: number, hash: string, path: string): string {
  return `${kind} ${mode.toString(8)} ${size} ${hash} ${JSON.stringify(path)}\n`;
}

export const dirLine = (path: string): string => entryLine('d', 0, 0, '-', path);

/**
 * The canonical text from lines already made, paths[i] being the path of lines[i]. A walk yields
 * them in order except for the rare empty folder, so they are only sorted when found out of order.
 */
export function serializeLines(paths: string[], lines: string[]): string {
  let sorted = true;
  for (let i = 1; i < paths.length && sorted; i++) sorted = paths[i - 1] < paths[i];
  if (sorted) return lines.join('');
  const order = paths
    .map((_p, i) => i)
    .sort((a, b) => (paths[a] < paths[b] ? -1 : paths[a] > paths[b] ? 1 : 0));
  return order.map((i) => lines[i]).join('');
}

export function rootHashOf(type: TreeType, text: string): string {
  return rootHasher(type).update(text).digest('hex');
}

/** The root hash's hasher, to be fed the canonical text piece by piece and in order. */
export function rootHasher(type: TreeType): crypto.Hash {
  return crypto.createHash('sha256').update(`${HEADER} ${type}\n`);
}

const FILE_HASH = /^f [0-7]+ \d+ ([0-9a-f]{64}) /gm;

/**
 * The content hashes of a manifest's files, without parsing paths: several times quicker than
 * parseEntries over a long history. Paths are JSON-quoted, so no line starts inside one.
 */
export function* fileHashes(text: string): Generator<string> {
  for (const m of text.matchAll(FILE_HASH)) yield m[1];
}

/** The path of one manifest line: the JSON string after its four other fields. */
export function linePath(line: string): string {
  let at = 0;
  for (let i = 0; i < 4; i++) at = line.indexOf(' ', at) + 1;
  return JSON.parse(line.slice(at)) as string;
}

export function parseEntries(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^([fd]) ([0-7]+) (\d+) ([0-9a-f]{64}|-) (".*")$/.exec(line);
    if (!m) throw new StrataError('INTERNAL', `corrupt manifest line: ${line.slice(0, 120)}`);
    out.push({
      kind: m[1] as 'f' | 'd',
      mode: parseInt(m[2], 8),
      size: Number(m[3]),
      hash: m[4],
      path: JSON.parse(m[5]) as string,
    });
  }
  return out;
}
