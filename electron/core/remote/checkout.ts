import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { RemoteCheckout } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import { formatBytes } from '../../../shared/format.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { JobContext } from '../jobs/jobs.js';
import type { Project } from '../project/project.js';
import { ensureStore } from '../store/api.js';
import { rootHashOf } from '../store/manifest.js';
import { storeHas } from '../store/packs.js';
import { checkout } from '../store/checkout.js';
import { manifestText, resolveRef } from '../store/repo.js';
import type { RemoteConfig } from './config.js';
import { parseListing, type VersionRecord } from './layout.js';
import { openTransport, pickRemote } from './open.js';
import { pull } from './pull.js';

/** The contents of a manifest this store lacks: how many, and their bytes (from the manifest's lines). */
function lacking(project: Project, entries: string): { contents: number; bytes: number } {
  const sizes = new Map<string, number>();
  for (const m of entries.matchAll(/^f [0-7]+ (\d+) ([0-9a-f]{64}) /gm)) sizes.set(m[2], Number(m[1]));
  const has = storeHas(project.db, project.objectsDir, sizes.size);
  let contents = 0;
  let bytes = 0;
  for (const [hash, size] of sizes) {
    if (has(hash)) continue;
    contents++;
    bytes += size;
  }
  return { contents, bytes };
}

/** The remotes to look on: the one named, else all of them, the one push and pull default to first. */
function candidates(project: Project, name: string | undefined): [string, RemoteConfig][] {
  if (name !== undefined) {
    const { cfg } = pickRemote(project, name);
    return [[name, cfg]];
  }
  // As pickRemote chooses: the only remote, else origin; the others follow in the file's order.
  const all = Object.entries(project.config.config.remotes);
  const first = all.length === 1 ? all[0][0] : 'origin';
  return all.sort(([a], [b]) => Number(b === first) - Number(a === first));
}

/**
 * What a checkout of artifact@ref needs from a remote: null when every content is in this store.
 * A version recorded here whose contents are not is looked for under its number and root hash; a
 * version unknown here under its number (or the remote's latest): aliases stay local. Remotes that
 * cannot be read are passed over, and named if none has the version.
 */
export async function remoteCheckoutPlan(
  project: Project,
  artifact: string,
  ref: string,
  remote: string | undefined,
  signal: AbortSignal,
): Promise<RemoteCheckout | null> {
  ensureStore(project);
  let here: { number: number; rootHash: string } | null = null;
  let notHere: StrataError | null = null;
  try {
    here = resolveRef(project, artifact, ref);
  } catch (err) {
    if (!(err instanceof StrataError && err.code === 'NOT_FOUND')) throw err;
    notHere = err;
  }
  if (here) {
    const need = lacking(project, manifestText(project, here.rootHash).entries);
    if (need.contents === 0) return null;
  } else if (!/^(\d+|latest)$/.test(ref)) throw notHere!;

  const unread: string[] = [];
  const looked: string[] = [];
  for (const [name, cfg] of candidates(project, remote)) {
    looked.push(name);
    const transport = openTransport(project, name, cfg);
    try {
      const versions = parseListing(await transport.list(signal)).versions.filter(
        (v) => v.artifact === artifact,
      );
      const found = here
        ? versions.find((v) => v.number === here.number && v.rootHash === here.rootHash)
        : ref === 'latest'
          ? versions.sort((a, b) => b.number - a.number)[0]
          : versions.find((v) => v.number === Number(ref));
      if (!found) continue;
      let entries: string;
      if (here) entries = manifestText(project, here.rootHash).entries;
      else {
        const r = JSON.parse((await transport.read(found.key, signal)).toString('utf8')) as VersionRecord;
        if (rootHashOf(r.type, r.entries) !== found.rootHash) {
          unread.push(`${transport.label}: ${found.key} does not match its root hash`);
          continue;
        }
        entries = r.entries;
      }
      return {
        version: `${artifact}@${found.number}`,
        rootHash: found.rootHash,
        remote: name,
        ...lacking(project, entries),
        recorded: here !== null,
      };
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      unread.push(err.message);
    }
  }
  // Recorded here with contents no remote has: the checkout itself names what is missing.
  if (here) return null;
  const why = unread.length ? `; ${unread.join('; ')}` : '';
  throw new StrataError(
    notHere!.code,
    looked.length
      ? `${notHere!.message.replace(/\.$/, '')}, and no remote has it (looked on ${looked.join(', ')})${why}`
      : notHere!.message,
    { where: notHere!.where },
  );
}

/** The refusal a checkout answers with when the version or its contents are only on a remote. */
export function onRemoteError(plan: RemoteCheckout): StrataError {
  const some = `${plan.contents} content${plan.contents === 1 ? '' : 's'} (${formatBytes(plan.bytes)})`;
  const message = plan.recorded
    ? `${plan.version}: ${some} ${plan.contents === 1 ? 'is' : 'are'} only on remote "${plan.remote}"`
    : plan.contents
      ? `${plan.version} is only on remote "${plan.remote}", with ${some} this store lacks`
      : `${plan.version} is only on remote "${plan.remote}" (every content of it is here already)`;
  return new StrataError('ON_REMOTE', message, { details: plan });
}

/**
 * The one job behind "Pull and check out": the version (and only the contents this store lacks) is
 * pulled, verified and recorded as by `strata pull`, then checked out. Cancelled during the pull,
 * it records no version and leaves the workspace alone; the progress is the pull's bytes, then the
 * checkout's files.
 */
export async function checkoutFromRemote(
  project: Project,
  plan: RemoteCheckout,
  opts: { force: boolean; ctx: JobContext },
): Promise<VersionInfo> {
  const { ctx } = opts;
  const { cfg } = pickRemote(project, plan.remote);
  await pull(project, openTransport(project, plan.remote, cfg), {
    specs: [plan.version],
    all: false,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total),
  });
  ctx.checkCancelled();
  const { artifact, ref } = parseSpec(plan.version);
  ctx.relabel(`Checking out ${plan.version}`, 'files');
  ctx.progress(0, null);
  return checkout(project, artifact, ref, {
    force: opts.force,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total),
  });
}
