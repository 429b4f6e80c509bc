import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { DataFormat } from '../../../shared/api/stats.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { parseEntries } from '../store/manifest.js';
import { locateObject, readRange } from '../store/packs.js';
import { manifestText, requireArtifact } from '../store/repo.js';
import { dataFormat } from './source.js';

export interface VersionFile {
  /** path inside the version; for a single-file artifact, the artifact's own file name */
  path: string;
  hash: string;
  size: number;
  format: DataFormat | null;
}

/** The files of a version, in manifest order, with the tabular format their names imply. */
export function versionFiles(
  project: Project,
  version: Pick<VersionInfo, 'artifact' | 'rootHash'>,
): VersionFile[] {
  const artifactPath = requireArtifact(project, version.artifact).path;
  return parseEntries(manifestText(project, version.rootHash).entries)
    .filter((e) => e.kind === 'f')
    .map((e) => {
      const p = e.path || path.posix.basename(artifactPath);
      return { path: p, hash: e.hash, size: e.size, format: dataFormat(p) };
    });
}

/**
 * Runs fn on a path DuckDB can open holding the file's stored content: the loose object itself, or,
 * for a small object inside a pack, a temporary copy removed afterwards. Stored contents never change,
 * so nothing can alter the file while it is read.
 */
export async function withStoredFile<T>(
  project: Project,
  file: VersionFile,
  fn: (readable: string) => Promise<T>,
): Promise<T> {
  const loc = locateObject(project.db, project.objectsDir, file.hash);
  if (!loc)
    throw new StrataError(
      'NOT_FOUND',
      `${file.path}: its content ${file.hash.slice(0, 12)} is missing from the object store (run \`strata fsck\`)`,
    );
  if (!loc.packed) return fn(loc.file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-read-'));
  try {
    const copy = path.join(dir, 'data');
    fs.writeFileSync(copy, readRange(loc));
    return await fn(copy);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
