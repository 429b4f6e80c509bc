import fs from 'node:fs';
import path from 'node:path';
import { IGNORED_DIRS } from './ignored.js';

export interface WalkEntry {
  kind: 'file' | 'dir';
  /** path relative to the walk's root, with forward slashes */
  rel: string;
  size: number;
}

/** A synchronous depth-first walk that skips IGNORED_DIRS and never follows symlinks. */
export function* walkTree(root: string): Generator<WalkEntry> {
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (IGNORED_DIRS.has(e.name)) continue;
        stack.push(childRel);
        yield { kind: 'dir', rel: childRel, size: 0 };
      } else if (e.isFile()) {
        let size: number;
        try {
          size = fs.statSync(path.join(root, childRel)).size;
        } catch {
          continue;
        }
        yield { kind: 'file', rel: childRel, size };
      }
    }
  }
}
