import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../app/atomic.js';
import { explainFsError } from './project.js';

const HEADER =
  '# Strata: its database and object store, and the data and models it versions (`strata checkout` restores them)';

/** A project path as a .gitignore line anchored at the root: data/x.csv -> /data/x.csv. */
function entry(rel: string): string {
  const clean = rel
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '')
    .replace(/\/$/, '');
  // A name with a leading # or ! or trailing spaces would mean something else to git: escape them.
  return '/' + clean.replace(/^([#!])/, '\\$1').replace(/ +$/, (s) => s.replace(/ /g, '\\ '));
}

/**
 * Makes git leave alone what Strata keeps: `.strata/` and each versioned path, as DVC adds what it
 * tracks to .gitignore. Appends only the lines missing, under one comment, keeping the user's file as
 * it is; written atomically. Returns the lines added.
 */
export function ensureGitignored(root: string, paths: readonly string[]): string[] {
  const file = path.join(root, '.gitignore');
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw explainFsError(err, 'Cannot read .gitignore', file);
  }
  const present = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const wanted = ['.strata/', ...paths.filter((p) => p && p !== '.').map(entry)];
  const missing = [...new Set(wanted)].filter(
    (l) =>
      !present.has(l) &&
      !present.has(l.replace(/^\//, '')) &&
      !(l === '.strata/' && present.has('/.strata/')),
  );
  if (missing.length === 0) return [];
  const head = text.includes(HEADER) ? [] : [HEADER];
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  const gap = text === '' || head.length === 0 ? '' : '\n';
  try {
    writeFileAtomic(file, text + sep + gap + [...head, ...missing].join('\n') + '\n');
  } catch (err) {
    throw explainFsError(err, 'Cannot update .gitignore', file);
  }
  return missing;
}
