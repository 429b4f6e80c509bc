import type { VersionInfo } from '../../../shared/api/artifacts.js';
import { StrataError } from '../../../shared/errors.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Project } from '../project/project.js';
import { listArtifactRows, listVersions, resolveRef } from '../store/repo.js';

/** The local versions a push names: each spec resolved (number, alias, latest), or every version. */
export function localSelection(project: Project, specs: string[], all: boolean): VersionInfo[] {
  if (specs.length === 0 && !all)
    throw new StrataError('BAD_REQUEST', 'name the versions to transfer (artifact@number …) or pass --all');
  if (all) return listArtifactRows(project).flatMap((a) => listVersions(project, a.id));
  const seen = new Map<number, VersionInfo>();
  for (const spec of specs) {
    const { artifact, ref } = parseSpec(spec);
    const v = resolveRef(project, artifact, ref);
    seen.set(v.id, v);
  }
  return [...seen.values()];
}
