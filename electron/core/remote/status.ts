import type { RemoteStatus } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { ensureStore } from '../store/api.js';
import { listArtifactRows, listVersions } from '../store/repo.js';
import { parseListing } from './layout.js';
import { describeRemote, openTransport } from './open.js';

/** Which versions each side has, from one listing of each remote; an unreachable remote says why. */
export async function remoteStatus(
  project: Project,
  only: string | undefined,
  signal: AbortSignal,
): Promise<RemoteStatus[]> {
  ensureStore(project);
  const remotes = Object.entries(project.config.config.remotes).filter(
    ([n]) => only === undefined || n === only,
  );
  if (only !== undefined && remotes.length === 0)
    throw new StrataError('NOT_FOUND', `no remote "${only}" in strata.yaml`);
  const here = new Map<string, string>();
  for (const a of listArtifactRows(project))
    for (const v of listVersions(project, a.id)) here.set(`${v.artifact}@${v.number}`, v.rootHash);
  return Promise.all(
    remotes.map(async ([name, cfg]): Promise<RemoteStatus> => {
      const base = describeRemote(project, name, cfg);
      try {
        const keys = await openTransport(project, name, cfg).list(signal);
        const listing = parseListing(keys);
        const there = new Map(listing.versions.map((v) => [`${v.artifact}@${v.number}`, v.rootHash]));
        const conflicts = [...there]
          .filter(([k, root]) => here.has(k) && here.get(k) !== root)
          .map(([k]) => k);
        return {
          ...base,
          error: null,
          onlyHere: [...here.keys()].filter((k) => !there.has(k)),
          onlyThere: [...there.keys()].filter((k) => !here.has(k)).sort(),
          both: [...there.keys()].filter((k) => here.get(k) === there.get(k)).length,
          conflicts,
          objects: keys.size,
          bytes: listing.bytes,
        };
      } catch (err) {
        if (!(err instanceof StrataError)) throw err;
        return {
          ...base,
          error: err.message,
          onlyHere: [],
          onlyThere: [],
          both: 0,
          conflicts: [],
          objects: 0,
          bytes: 0,
        };
      }
    }),
  );
}
