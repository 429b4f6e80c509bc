// What a drift comparison reads: a dataset version (its tabular files, read from the object store) or
// a file in the project. A version's profile is cached under its root hash.
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { parseEntries } from '../store/manifest.js';
import { locateObject } from '../store/packs.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import { findArtifact, manifestText, requireArtifact, resolveRef, versionById } from '../store/repo.js';
import { tabularFormat, type TabularFormat } from '../store/tabular.js';

export interface TableSource {
  file: string;
  offset: number;
  size: number;
  format: TabularFormat;
  /** how errors name it: the artifact path inside the version, or the file */
  label: string;
}

export interface SampleInput {
  label: string;
  sources: TableSource[];
  /** where this sample's profile is kept between runs (versions only: their content never changes) */
  cacheFile: string | null;
}

/** Bumped when the profile's content changes, so stale caches are recomputed rather than misread. */
const PROFILE_FORMAT = 1;

export function profileCacheFile(project: Project, rootHash: string): string {
  return path.join(project.strataDir, 'drift', 'profiles', `${rootHash}.v${PROFILE_FORMAT}.bin`);
}

/**
 * The dataset a model version was trained on, from the lineage: the dataset versions read by the run
 * stage that wrote it. Exactly one with tables is needed; otherwise the reference must be named.
 */
function trainingData(project: Project, model: VersionInfo): VersionInfo {
  const rows = project.db
    .prepare(
      `SELECT DISTINCT i.version_id AS id FROM run_io o
         JOIN run_io i ON i.run_id = o.run_id AND i.stage = o.stage AND i.role = 'in'
         JOIN versions v ON v.id = i.version_id JOIN artifacts a ON a.id = v.artifact_id
        WHERE o.version_id = ? AND o.role = 'out' AND a.kind = 'dataset'`,
    )
    .all(model.id) as { id: number }[];
  const candidates = rows.map((r) => versionById(project, r.id));
  const named = candidates.map((v) => `${v.artifact}@${v.number}`).join(', ');
  if (candidates.length !== 1)
    throw new StrataError(
      'BAD_REQUEST',
      candidates.length === 0
        ? `${model.artifact}@${model.number} has no training data in its lineage (it was not written by a run that read a dataset): name the reference dataset, e.g. data@3.`
        : `${model.artifact}@${model.number} was trained on ${named}: name the one to use as the reference.`,
    );
  return candidates[0];
}

/**
 * `artifact@ref` (or a bare artifact name) is a version — a model version stands for the data it was
 * trained on; anything else must be a tabular file.
 */
export function resolveSample(project: Project, spec: string): SampleInput {
  const { artifact: named, ref } = parseSpec(spec);
  if (spec.includes('@') || findArtifact(project, named)) {
    let version = resolveRef(project, named, ref);
    if (requireArtifact(project, named).kind === 'model') version = trainingData(project, version);
    const artifact = version.artifact;
    const artifactPath = requireArtifact(project, artifact).path;
    const entries = parseEntries(manifestText(project, version.rootHash).entries).filter(
      (e) => e.kind === 'f' && tabularFormat(e.path || artifactPath),
    );
    if (entries.length === 0)
      throw new StrataError(
        'BAD_REQUEST',
        `${artifact}@${version.number} has no CSV, JSONL or Parquet file to compare.`,
      );
    const formats = new Set(entries.map((e) => tabularFormat(e.path || artifactPath)));
    if (formats.size > 1)
      throw new StrataError(
        'BAD_REQUEST',
        `${artifact}@${version.number} mixes ${[...formats].join(' and ')} files; drift reads one format per side.`,
      );
    const sources = entries
      .sort((x, y) => (x.path < y.path ? -1 : 1))
      .map((e): TableSource => {
        const label = e.path ? `${artifactPath}/${e.path}` : artifactPath;
        const loc = locateObject(project.db, project.objectsDir, e.hash);
        if (!loc)
          throw new StrataError(
            'NOT_FOUND',
            `The content of ${label} in ${artifact}@${version.number} is missing from the object store; run \`strata fsck\`.`,
          );
        return {
          file: loc.file,
          offset: loc.offset,
          size: loc.size,
          format: tabularFormat(e.path || artifactPath)!,
          label,
        };
      });
    return {
      label: `${artifact}@${version.number}`,
      sources,
      cacheFile: profileCacheFile(project, version.rootHash),
    };
  }
  const file = path.resolve(project.root, spec);
  const format = tabularFormat(file);
  if (!fs.existsSync(file))
    throw new StrataError(
      'NOT_FOUND',
      `"${spec}" is neither an artifact of this project nor a file (write <artifact>@<version>, or a path to a CSV, JSONL or Parquet file).`,
    );
  if (!format)
    throw new StrataError('BAD_REQUEST', `${spec} is not a CSV, JSONL or Parquet file.`, { where: { file } });
  const size = fs.statSync(file).size;
  return { label: spec, sources: [{ file, offset: 0, size, format, label: spec }], cacheFile: null };
}
