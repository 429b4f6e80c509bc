import { StrataError } from '../../../shared/errors.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { ensureStore, hashPath, restoreVersion } from './api.js';
import { requireArtifact, resolveRef } from './repo.js';

/**
 * Puts a version of an artifact into the workspace. What is there now must be some recorded
 * version of it (or nothing); otherwise the local changes would be lost, so it is refused unless forced.
 */
export async function checkout(project: Project, artifactName: string, ref: string, opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<VersionInfo> {
  ensureStore(project);
  const artifact = requireArtifact(project, artifactName);
  const version = resolveRef(project, artifactName, ref);
  if (!opts.force) {
    const now = await hashPath(project, artifact.path, { signal: opts.signal });
    if (now !== null && now !== version.rootHash) {
      const known = project.db.prepare('SELECT 1 FROM versions WHERE artifact_id = ? AND root_hash = ?').get(artifact.id, now);
      if (!known) {
        throw new StrataError('CONFLICT', `${artifact.path} has changes that are in no version of ${artifactName}; record them with \`strata add ${artifact.path}\` first, or pass --force to discard them`);
      }
    }
  }
  await restoreVersion(project, version.rootHash, artifact.path);
  return version;
}
