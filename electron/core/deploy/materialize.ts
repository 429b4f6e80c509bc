import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { parseEntries } from '../store/manifest.js';
import { locateObject, ObjectReader } from '../store/packs.js';
import { manifestText, requireArtifact } from '../store/repo.js';

/** The file written beside a deployed model: what it is and every file's sha256 and size. */
export const MODEL_MANIFEST = 'strata-model.json';

export interface ModelManifest {
  model: string;
  version: number;
  rootHash: string;
  runId: string | null;
  files: { path: string; size: number; sha256: string }[];
}

/**
 * Writes a model version's files into `dest` (a new folder) with its manifest. A single-file
 * artifact lands under its own file name; a folder's files keep their relative paths.
 */
export function materializeVersion(project: Project, version: VersionInfo, dest: string): ModelManifest {
  const artifact = requireArtifact(project, version.artifact);
  const text = manifestText(project, version.rootHash);
  const entries = parseEntries(text.entries);
  const base = text.type === 'file' ? path.posix.basename(artifact.path) : '';
  fs.mkdirSync(dest, { recursive: true });
  const reader = new ObjectReader();
  const files: ModelManifest['files'] = [];
  try {
    for (const e of entries) {
      const rel = text.type === 'file' ? base : e.path;
      const target = path.join(dest, ...rel.split('/'));
      if (e.kind === 'd') {
        fs.mkdirSync(target, { recursive: true });
        continue;
      }
      const loc = locateObject(project.db, project.objectsDir, e.hash);
      if (!loc)
        throw new StrataError(
          'NOT_FOUND',
          `The store is missing ${version.artifact}@${version.number}'s ${rel} (${e.hash}); run \`strata fsck\``,
        );
      fs.mkdirSync(path.dirname(target), { recursive: true });
      reader.copyTo(loc, target, e.mode);
      files.push({ path: rel, size: e.size, sha256: e.hash });
    }
  } finally {
    reader.close();
  }
  const manifest: ModelManifest = {
    model: version.artifact,
    version: version.number,
    rootHash: version.rootHash,
    runId: version.runId,
    files,
  };
  fs.writeFileSync(path.join(dest, MODEL_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/**
 * The model's folder under .strata/deploy/models/, made once per content (a temp folder renamed
 * into place, so a half-written model is never used) and shared by every deployment of it.
 */
export function modelDirOf(project: Project, version: VersionInfo): string {
  const root = path.join(project.strataDir, 'deploy', 'models');
  const dir = path.join(root, `${version.artifact}@${version.number}-${version.rootHash.slice(0, 12)}`);
  if (fs.existsSync(path.join(dir, MODEL_MANIFEST))) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, '.tmp-'));
  try {
    materializeVersion(project, version, tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}
