import type { TransferReport } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { ensureStore } from '../store/api.js';
import { useStore } from '../store/locks.js';
import { fileHashes } from '../store/manifest.js';
import { locateObject, PACK_MAX_OBJECT, readRange, type ObjectLocation } from '../store/packs.js';
import { findArtifact, manifestText } from '../store/repo.js';
import {
  encodePack,
  indexKey,
  objectKey,
  packKey,
  parseIndex,
  parseListing,
  versionKey,
  type VersionRecord,
} from './layout.js';
import { eachLimit } from './parallel.js';
import { localSelection } from './select.js';
import type { Transport } from './transport.js';

/** Transfers in flight at once: enough to hide a remote's latency, few enough for a laptop's uplink. */
export const PARALLEL = 8;
/** Small contents travel in packs of about this size: one request per pack, not per content. */
const PACK_BYTES = 32 << 20;

export interface TransferOptions {
  specs: string[];
  all: boolean;
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
}

/** Every hash some pack of the remote holds (one read per pack index, none per content). */
export async function remotePackedHashes(
  remote: Transport,
  packs: string[],
  signal: AbortSignal,
): Promise<Map<string, { pack: string; offset: number; size: number }>> {
  const out = new Map<string, { pack: string; offset: number; size: number }>();
  await eachLimit(packs, PARALLEL, async (pack) => {
    for (const e of parseIndex((await remote.read(indexKey(pack), signal)).toString('utf8')))
      out.set(e.hash, { pack, offset: e.offset, size: e.size });
  });
  return out;
}

/**
 * Sends the chosen versions' contents the remote lacks (large ones one by one, multipart; small
 * ones in packs), then their records. A record is written only once everything it names is there,
 * so a push interrupted at any point is resumed by pushing again: the listing skips what arrived.
 */
export async function push(
  project: Project,
  remote: Transport,
  opts: TransferOptions,
): Promise<TransferReport> {
  ensureStore(project);
  const versions = localSelection(project, opts.specs, opts.all);
  const release = await useStore(project.strataDir);
  try {
    const keys = await remote.list(opts.signal);
    const listing = parseListing(keys);
    await remote.cleanUploads?.(keys, opts.signal);
    const there = new Map(listing.versions.map((v) => [`${v.artifact}@${v.number}`, v.rootHash]));
    const conflicts = versions.filter((v) => {
      const root = there.get(`${v.artifact}@${v.number}`);
      return root !== undefined && root !== v.rootHash;
    });
    if (conflicts.length)
      throw new StrataError(
        'CONFLICT',
        `${remote.label} has other contents under ${conflicts.map((v) => `${v.artifact}@${v.number}`).join(', ')}; nothing was pushed`,
      );
    const missing = versions.filter((v) => !there.has(`${v.artifact}@${v.number}`));
    const packed = await remotePackedHashes(remote, listing.packs, opts.signal);

    const wanted = new Map<string, ObjectLocation>();
    const seen = new Set<string>();
    let skipped = 0;
    for (const v of missing)
      for (const hash of fileHashes(manifestText(project, v.rootHash).entries)) {
        if (seen.has(hash)) continue;
        seen.add(hash);
        if (listing.loose.has(hash) || packed.has(hash)) {
          skipped++;
          continue;
        }
        const loc = locateObject(project.db, project.objectsDir, hash);
        if (!loc)
          throw new StrataError(
            'NOT_FOUND',
            `content ${hash.slice(0, 12)} of ${v.artifact}@${v.number} is not in this store (pull it first, or run strata fsck)`,
          );
        wanted.set(hash, loc);
      }

    const large: [string, ObjectLocation][] = [];
    const groups: [string, ObjectLocation][][] = [[]];
    let groupBytes = 0;
    let total = 0;
    for (const entry of wanted) {
      total += entry[1].size;
      if (entry[1].size > PACK_MAX_OBJECT) large.push(entry);
      else {
        if (groupBytes + entry[1].size > PACK_BYTES) {
          groups.push([]);
          groupBytes = 0;
        }
        groups[groups.length - 1].push(entry);
        groupBytes += entry[1].size;
      }
    }
    let done = 0;
    let resumed = 0;
    const progress = (n: number) => opts.onProgress((done += n), total);
    opts.onProgress(0, total);

    const tasks: (() => Promise<void>)[] = [
      ...large.map(([hash, loc]) => async () => {
        resumed += (await remote.writeFile(objectKey(hash), loc.file, loc.size, progress, opts.signal))
          .resumed;
      }),
      ...groups
        .filter((g) => g.length)
        .map((g) => async () => {
          const { pack, bytes, index } = encodePack(g.map(([hash, loc]) => ({ hash, data: readRange(loc) })));
          await remote.writeBuffer(packKey(pack), bytes, opts.signal);
          await remote.writeBuffer(indexKey(pack), Buffer.from(index), opts.signal);
          progress(g.reduce((n, [, loc]) => n + loc.size, 0));
        }),
    ];
    await eachLimit(tasks, PARALLEL, (t) => t(), opts.signal);

    await eachLimit(
      missing,
      PARALLEL,
      async (v) => {
        const a = findArtifact(project, v.artifact)!;
        const record: VersionRecord = {
          format: 1,
          artifact: v.artifact,
          path: a.path,
          kind: a.kind,
          number: v.number,
          rootHash: v.rootHash,
          type: v.type,
          entries: manifestText(project, v.rootHash).entries,
          message: v.message,
          source: v.source,
          parent: v.parent,
          createdAt: v.createdAt,
        };
        await remote.writeBuffer(
          versionKey(v.artifact, v.number, v.rootHash),
          Buffer.from(JSON.stringify(record)),
          opts.signal,
        );
      },
      opts.signal,
    );
    return {
      remote: remote.label,
      versions: missing.map((v) => `${v.artifact}@${v.number}`),
      contents: wanted.size,
      skipped,
      bytes: total - resumed,
      resumed,
      packs: tasks.length - large.length,
    };
  } finally {
    release();
  }
}
