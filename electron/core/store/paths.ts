import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { explainFsError, STRATA_DIR } from '../project/project.js';

export interface ProjectPath {
  /** relative to the project root, forward slashes, no leading ./ */
  rel: string;
  abs: string;
}

/**
 * Resolves a user-given path (relative to the project, or absolute) and refuses anything that
 * leaves the project, directly or through a symlink, or that points into .strata/ itself.
 */
export function resolveInProject(root: string, given: string): ProjectPath {
  if (given.includes('\0')) throw new StrataError('BAD_REQUEST', 'a path may not contain a NUL byte');
  const abs = path.resolve(root, given);
  const rel = path.relative(root, abs);
  if (rel === '')
    throw new StrataError(
      'BAD_REQUEST',
      `${given}: the project root itself cannot be an artifact; name a file or folder inside it`,
    );
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new StrataError(
      'PATH_ESCAPES_PROJECT',
      `${given} is outside the project (${root}); artifacts must live inside it`,
      { where: { file: abs } },
    );
  }
  const relPosix = rel.split(path.sep).join('/');
  if (relPosix === STRATA_DIR || relPosix.startsWith(`${STRATA_DIR}/`)) {
    throw new StrataError('BAD_REQUEST', `${given} is inside .strata/, which is Strata's own store`, {
      where: { file: abs },
    });
  }
  checkRealInside(root, abs, given);
  return { rel: relPosix, abs };
}

/** The real location of an existing path must stay inside the project too (symlinks). */
export function checkRealInside(root: string, abs: string, shown: string): void {
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing there (yet): nothing to escape through.
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw explainFsError(err, 'Cannot read', abs);
  }
  try {
    realRoot = fs.realpathSync(root);
  } catch (err) {
    throw explainFsError(err, 'Cannot read the project folder', root);
  }
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new StrataError(
      'PATH_ESCAPES_PROJECT',
      `${shown} is a symlink to ${real}, outside the project; copy the data into the project instead`,
      { where: { file: abs } },
    );
  }
}
