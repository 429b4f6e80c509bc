// What a unified diff (git diff, without --binary) changes, file by file, read line by line so a
// diff of any size is counted without being held whole.
import fs from 'node:fs';
import readline from 'node:readline';
import type { BundleDiffFile } from '../../../shared/api/bundle.js';

/** "a/x b/y" or "\"a/x y\" \"b/x y\"": the b side, unquoted (git quotes names with unusual characters). */
function newPath(header: string): string {
  const quoted = /"b\/((?:[^"\\]|\\.)*)"$/.exec(header);
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
  const at = header.lastIndexOf(' b/');
  return at < 0 ? header : header.slice(at + 3);
}

export async function diffStat(file: string): Promise<BundleDiffFile[]> {
  const files: BundleDiffFile[] = [];
  let current: BundleDiffFile | null = null;
  let inHunk = false;
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith('diff --git ')) {
      current = { path: newPath(line.slice('diff --git '.length)), added: 0, deleted: 0, binary: false };
      files.push(current);
      inHunk = false;
    } else if (!current) continue;
    else if (line.startsWith('@@')) inHunk = true;
    else if (!inHunk && line.startsWith('Binary files ')) current.binary = true;
    else if (inHunk && line.startsWith('+')) current.added++;
    else if (inHunk && line.startsWith('-')) current.deleted++;
  }
  return files;
}
