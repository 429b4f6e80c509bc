import { StrataError } from '../../../shared/errors.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { ensureStore, hashPath, restoreVersion } from './api.js';
import { requireArtifact, resolveRef } from './repo.js';

/**
 * Refuses when what is at the artifact's path now is in no recorded version of it: checking out
 * over it would lose those changes.
 */
export async function assertNoLocalChanges(
  project: Project,
  artifactName: string,
  version: { rootHash: string },
  signal?: AbortSignal,
): Promise<void> {
  const artifact = requireArtifact(project, artifactName);
  const now = await hashPath(project, artifact.path, { signal });
  if (now === null || now === version.rootHash) return;
  const known = project.db
    .prepare('SELECT 1 FROM versions WHERE artifact_id = ? AND root_hash = ?')
    .get(artifact.id, now);
  if (!known) {
    throw new StrataError(
      'CONFLICT',
      `${artifact.path} has changes that are in no version of ${artifactName}; record them with \`strata add ${artifact.path}\` first, or pass --force to discard them`,
    );
  }
}

/** Puts a version of an artifact into the workspace, refusing to overwrite unrecorded changes unless forced. */
export async function checkout(
  project: Project,
  artifactName: string,
  ref: string,
  opts: {
    force?: boolean;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number | null) => void;
  } = {},
): Promise<VersionInfo> {
  ensureStore(project);
  const artifact = requireArtifact(project, artifactName);
  const version = resolveRef(project, artifactName, ref);
  if (!opts.force) await assertNoLocalChanges(project, artifactName, version, opts.signal);
  await restoreVersion(project, version.rootHash, artifact.path, {
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return version;
}
