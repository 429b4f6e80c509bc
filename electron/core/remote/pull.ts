import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TransferReport } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import { parseSpec } from '../../../shared/version-spec.js';
import { explainFsError, type Project } from '../project/project.js';
import { ensureStore } from '../store/api.js';
import { useStore } from '../store/locks.js';
import { fileHashes, rootHashOf } from '../store/manifest.js';
import { fsyncPath, objectPath, tempPath } from '../store/objects.js';
import { insertPacked, PackWriter, storeHas } from '../store/packs.js';
import { findArtifact, manifestText } from '../store/repo.js';
import { objectKey, packKey, parseListing, type RemoteVersion, type VersionRecord } from './layout.js';
import { eachLimit } from './parallel.js';
import { PARALLEL, remotePackedHashes, type TransferOptions } from './push.js';
import type { Transport } from './transport.js';

const sha256 = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest('hex');

/** The remote's versions a pull names: artifact@number, artifact@latest (its highest there), or all. */
function remoteSelection(
  remote: Transport,
  there: RemoteVersion[],
  specs: string[],
  all: boolean,
): RemoteVersion[] {
  if (specs.length === 0 && !all)
    throw new StrataError('BAD_REQUEST', 'name the versions to transfer (artifact@number …) or pass --all');
  if (all) return there;
  return specs.map((spec) => {
    const { artifact, ref } = parseSpec(spec);
    const mine = there.filter((v) => v.artifact === artifact);
    const found =
      ref === 'latest'
        ? mine.sort((a, b) => b.number - a.number)[0]
        : /^\d+$/.test(ref)
          ? mine.find((v) => v.number === Number(ref))
          : undefined;
    if (!found)
      throw new StrataError(
        'NOT_FOUND',
        /^\d+$|^latest$/.test(ref)
          ? `${remote.label} has no ${artifact}@${ref}`
          : `${artifact}@${ref}: a remote knows versions by number (aliases stay local); name a number`,
      );
    return found;
  });
}

/**
 * Fetches the chosen versions and the contents this store lacks. Every content is checked against
 * its hash before it enters the store (loose ones temp → fsync → rename, small ones through the
 * store's pack writer); the versions' rows are committed last, in one transaction, so a failure at
 * any point leaves no version naming a content that is not here.
 */
export async function pull(
  project: Project,
  remote: Transport,
  opts: TransferOptions,
): Promise<TransferReport> {
  ensureStore(project);
  const listing = parseListing(await remote.list(opts.signal));
  const chosen = remoteSelection(remote, listing.versions, opts.specs, opts.all);
  const localRoot = project.db.prepare(
    'SELECT v.root_hash FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ? AND v.number = ?',
  );
  const conflicts: string[] = [];
  // A version recorded here may still lack contents (lost, or never fetched): those are pulled too.
  const recorded: { artifact: string; number: number; entries: string }[] = [];
  const missing = chosen.filter((v) => {
    const row = localRoot.get(v.artifact, v.number) as { root_hash: string } | undefined;
    if (row && row.root_hash !== v.rootHash) conflicts.push(`${v.artifact}@${v.number}`);
    else if (row) recorded.push({ ...v, entries: manifestText(project, v.rootHash).entries });
    return !row;
  });
  if (conflicts.length)
    throw new StrataError(
      'CONFLICT',
      `${conflicts.join(', ')} here has other contents than on ${remote.label}; nothing was pulled`,
    );

  const records: VersionRecord[] = [];
  await eachLimit(missing, PARALLEL, async (v) => {
    const r = JSON.parse((await remote.read(v.key, opts.signal)).toString('utf8')) as VersionRecord;
    if (r.rootHash !== v.rootHash || rootHashOf(r.type, r.entries) !== v.rootHash)
      throw new StrataError(
        'REMOTE_FAILED',
        `${remote.label}: ${v.key} does not match its root hash; refused`,
      );
    records.push(r);
  });

  const manifests = [...records, ...recorded];
  const hashes = new Set<string>();
  for (const r of manifests) for (const hash of fileHashes(r.entries)) hashes.add(hash);
  const has = storeHas(project.db, project.objectsDir, hashes.size);
  const wanted = new Map<string, number>();
  for (const hash of hashes) if (!has(hash)) wanted.set(hash, 0);
  const packed = wanted.size ? await remotePackedHashes(remote, listing.packs, opts.signal) : new Map();
  const loose: string[] = [];
  const fromPacks = new Map<string, { hash: string; offset: number; size: number }[]>();
  let total = 0;
  for (const hash of wanted.keys()) {
    const p = packed.get(hash);
    if (p) {
      let list = fromPacks.get(p.pack);
      if (!list) fromPacks.set(p.pack, (list = []));
      list.push({ hash, offset: p.offset, size: p.size });
      total += p.size;
    } else if (listing.loose.has(hash)) loose.push(hash);
    else {
      const r = manifests.find((m) => m.entries.includes(hash))!;
      throw new StrataError(
        'REMOTE_FAILED',
        `${remote.label} lacks content ${hash.slice(0, 12)} of ${r.artifact}@${r.number}; push it again from a store that has it`,
      );
    }
  }
  const sizes = new Map<string, number>();
  for (const r of manifests)
    for (const line of r.entries.split('\n')) {
      const m = /^f [0-7]+ (\d+) ([0-9a-f]{64}) /.exec(line);
      if (m) sizes.set(m[2], Number(m[1]));
    }
  for (const hash of loose) total += sizes.get(hash) ?? 0;
  let done = 0;
  const progress = (n: number) => opts.onProgress((done += n), total);
  opts.onProgress(0, total);

  const release = await useStore(project.strataDir);
  const packs = new PackWriter(project.objectsDir);
  try {
    const tasks: (() => Promise<void>)[] = [
      ...loose.map((hash) => () => fetchLoose(project, remote, hash, progress, opts.signal)),
      ...[...fromPacks].map(([pack, entries]) => async () => {
        const bytes = await remote.read(packKey(pack), opts.signal);
        for (const e of entries) {
          const data = bytes.subarray(e.offset, e.offset + e.size);
          if (
            data.length !== e.size ||
            sha256(data) !== e.hash ||
            bytes.toString('hex', e.offset - 36, e.offset - 4) !== e.hash
          )
            throw new StrataError(
              'REMOTE_FAILED',
              `${remote.label}: content ${e.hash.slice(0, 12)} in ${packKey(pack)} does not match its hash; refused`,
            );
          packs.add(e.hash, Buffer.from(data));
        }
        progress(entries.reduce((n, e) => n + e.size, 0));
      }),
    ];
    await eachLimit(tasks, PARALLEL, (t) => t(), opts.signal);
    const batches = packs.finish();
    project.db.transaction(() => {
      insertPacked(project.db, batches);
      commitRecords(project, records);
    })();
  } catch (err) {
    packs.abandon();
    throw err;
  } finally {
    release();
  }
  return {
    remote: remote.label,
    versions: records.map((r) => `${r.artifact}@${r.number}`).sort(),
    contents: wanted.size,
    skipped: 0,
    bytes: total,
    resumed: 0,
    packs: fromPacks.size,
  };
}

/** A large content: streamed to a temp file while hashed; renamed into the store only if it matches. */
async function fetchLoose(
  project: Project,
  remote: Transport,
  hash: string,
  onBytes: (n: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const tmp = tempPath(project.objectsDir);
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  const hasher = crypto.createHash('sha256');
  const fd = fs.openSync(tmp, 'wx');
  let ok = false;
  try {
    try {
      for await (const chunk of await remote.stream(objectKey(hash), signal)) {
        // Whatever the transport does with the signal, a cancelled pull stops at the next chunk.
        signal.throwIfAborted();
        hasher.update(chunk);
        for (let off = 0; off < chunk.length;) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        onBytes(chunk.length);
      }
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const got = hasher.digest('hex');
    if (got !== hash)
      throw new StrataError(
        'REMOTE_FAILED',
        `${remote.label}: ${objectKey(hash)} does not match its name (its bytes hash to ${got.slice(0, 12)}); refused`,
      );
    const dest = objectPath(project.objectsDir, hash);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(tmp, dest);
    fsyncPath(path.dirname(dest));
    ok = true;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw explainFsError(err, 'Cannot store a pulled content', tmp);
  } finally {
    if (!ok) fs.rmSync(tmp, { force: true });
  }
}

/** The pulled versions' rows, in number order so that each parent is there before its child. */
function commitRecords(project: Project, records: VersionRecord[]): void {
  const db = project.db;
  const addArtifact = db.prepare('INSERT INTO artifacts (name, path, kind) VALUES (?, ?, ?)');
  const addManifest = db.prepare(
    'INSERT OR IGNORE INTO manifests (root_hash, type, file_count, total_bytes, entries) VALUES (?, ?, ?, ?, ?)',
  );
  const parentId = db.prepare('SELECT id FROM versions WHERE artifact_id = ? AND number = ?');
  const addVersion = db.prepare(
    'INSERT INTO versions (artifact_id, number, root_hash, message, source, run_id, parent_id, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)',
  );
  for (const r of [...records].sort((a, b) => a.number - b.number)) {
    let artifact = findArtifact(project, r.artifact);
    if (!artifact) {
      addArtifact.run(r.artifact, r.path, r.kind);
      artifact = findArtifact(project, r.artifact)!;
    }
    let files = 0;
    let bytes = 0;
    for (const m of r.entries.matchAll(/^f [0-7]+ (\d+) /gm)) {
      files++;
      bytes += Number(m[1]);
    }
    addManifest.run(r.rootHash, r.type, files, bytes, r.entries);
    const parent =
      r.parent === null ? undefined : (parentId.get(artifact.id, r.parent) as { id: number } | undefined);
    addVersion.run(artifact.id, r.number, r.rootHash, r.message, r.source, parent?.id ?? null, r.createdAt);
  }
}
