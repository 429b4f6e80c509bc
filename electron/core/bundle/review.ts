// A bundle opened for review without a project (`strata bundle import` outside one, Review's "Open
// bundle…"): verified, extracted read-only into a folder of its own under the app's data, and
// summarised from its files. Those files come from another machine: each is read against a schema,
// and one that does not fit is named as unreadable, never guessed at.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { BundleReview } from '../../../shared/api/bundle.js';
import type { CodeState } from '../../../shared/api/runs.js';
import { DIFF_PREVIEW_BYTES } from '../../../shared/code-state.js';
import { StrataError } from '../../../shared/errors.js';
import { appDataDir } from '../app/paths.js';
import { diffStat } from './diff-stat.js';
import {
  DIFF_NAME,
  MANIFEST_NAME,
  UNTRACKED_DIR,
  SIGNATURE_NAME,
  type BundleManifest,
  type Limits,
} from './format.js';
import { contentProblems, readBundle } from './read.js';
import { reportOf } from './verify.js';

/** Reviews kept: opening another removes the oldest past this many. */
const KEPT = 5;
/** An extraction folder this old was left by a process that died mid-way. */
const STALE_MS = 60 * 60 * 1000;
const EXTRACTING = '.extract-';

export function reviewRoot(): string {
  return path.join(appDataDir(), 'bundle-reviews');
}

const untracked = z.object({ path: z.string(), bytes: z.number() });
const codeState: z.ZodType<CodeState> = z.union([
  z.object({ state: z.literal('unknown'), reason: z.string(), commit: z.string().nullable() }),
  z.object({
    state: z.literal('recorded'),
    commit: z.string(),
    branch: z.string().nullable(),
    repoPrefix: z.string(),
    snapshot: z.string().nullable(),
    diff: z
      .object({ bytes: z.number(), sha256: z.string(), files: z.number(), binaryFiles: z.array(z.string()) })
      .nullable(),
    untracked: z.object({
      files: z.array(untracked),
      skipped: z.array(untracked.extend({ why: z.string() })),
      capHit: z.boolean(),
      cap: z.object({ fileBytes: z.number(), totalBytes: z.number() }),
    }),
  }),
]);

export const lineageFile = z.object({
  run: z
    .object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      status: z.string(),
      startedAt: z.number(),
      endedAt: z.number().nullable(),
      params: z.record(z.string(), z.unknown()),
      metrics: z.record(z.string(), z.number()),
      code: codeState,
    })
    .nullable(),
  inputs: z
    .array(
      z.object({
        artifact: z.string(),
        version: z.number(),
        rootHash: z.string(),
        path: z.string(),
        stage: z.string().nullable(),
      }),
    )
    .default([]),
});

const environmentFile = z
  .object({
    python: z.string().nullable().optional(),
    node: z.string().optional(),
    os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }).partial().optional(),
    pipFreeze: z.array(z.string()).nullable().optional(),
    lockFiles: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number() })).optional(),
  })
  .nullable();

const gatesFile = z.object({
  status: z.string(),
  gates: z.array(z.object({ label: z.string(), status: z.string(), message: z.string() })),
  overrides: z.array(z.object({ alias: z.string(), who: z.string(), reason: z.string() })).default([]),
});

const validationFile = z.array(
  z.object({
    artifact: z.string(),
    version: z.number(),
    name: z.string(),
    status: z.string(),
    at: z.string(),
    report: z
      .object({
        counts: z.object({ passed: z.number(), warned: z.number(), failed: z.number(), errors: z.number() }),
      })
      .nullable()
      .catch(null),
  }),
);

const statisticsFile = z.array(
  z.object({
    artifact: z.string(),
    version: z.number(),
    file: z.string(),
    profile: z
      .object({ rows: z.number(), columns: z.array(z.unknown()) })
      .nullable()
      .optional(),
    error: z.string().nullable().optional(),
  }),
);

const exampleFile = z.object({ rows: z.array(z.unknown()), source: z.string() });

const manifestModel = z.object({
  name: z.string(),
  version: z.number(),
  rootHash: z.string(),
  type: z.string(),
  path: z.string(),
});

/** Write bits off every file (folders stay writable, so a later review can remove the copy). */
function makeReadOnly(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makeReadOnly(p);
    else fs.chmodSync(p, fs.statSync(p).mode & 0o555);
  }
}

/** Keeps the newest reviews and `current`; removes extraction folders a dead process left. */
function prune(root: string, current: string): void {
  const now = Date.now();
  const done: { dir: string; at: number }[] = [];
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    // Another review pruning at the same time may have removed it already.
    const at = fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
    if (at === undefined) continue;
    if (name.startsWith(EXTRACTING)) {
      if (now - at > STALE_MS) fs.rmSync(dir, { recursive: true, force: true });
    } else if (dir !== current) done.push({ dir, at });
  }
  done.sort((a, b) => b.at - a.at);
  for (const old of done.slice(KEPT - 1)) fs.rmSync(old.dir, { recursive: true, force: true });
}

/**
 * Opens a bundle whose every file matches its manifest and whose signature, if any, is valid; an
 * unsigned bundle or one signed by an unknown key opens too, with that said in `verify` (reviewing
 * is how one decides whether to trust it). A refused bundle leaves nothing behind.
 */
export async function reviewBundle(file: string, opts: { limits?: Limits } = {}): Promise<BundleReview> {
  const root = reviewRoot();
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, EXTRACTING));
  let folder: string;
  let manifest: BundleManifest;
  let verify: BundleReview['verify'];
  try {
    const r = await readBundle(file, { extractTo: tmp, limits: opts.limits, hashWhole: true });
    verify = reportOf(file, r);
    if (contentProblems(r).length || verify.signature.status === 'invalid')
      throw new StrataError(
        'BUNDLE_INVALID',
        `${path.basename(file)} is refused: ${verify.problems.join('; ')}`,
      );
    manifest = r.manifest;
    if (!manifestModel.safeParse(manifest.model).success)
      throw new StrataError(
        'BUNDLE_INVALID',
        `${path.basename(file)} is refused: its manifest names no model`,
      );
    fs.writeFileSync(path.join(tmp, MANIFEST_NAME), r.manifestBytes);
    if (r.signature) fs.writeFileSync(path.join(tmp, SIGNATURE_NAME), JSON.stringify(r.signature) + '\n');
    makeReadOnly(tmp);
    // Named by the bundle's own hash: the same bundle opened again replaces its earlier copy.
    folder = path.join(root, (verify.sha256 as string).slice(0, 16));
    fs.rmSync(folder, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, folder);
    } catch (err) {
      // Another review of the same bundle finished first: its copy is the same bytes.
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  prune(root, folder);
  return summarise(file, folder, manifest, verify);
}

/** lineage.json lists a version once per stage that read it. */
/** The run a bundle's lineage names, as a review or an import shows it (its record, not its values). */
export function runBrief(run: z.infer<typeof lineageFile>['run']): BundleReview['run'] {
  return (
    run && {
      id: run.id,
      name: run.name,
      kind: run.kind,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
    }
  );
}

export function readOnce(inputs: z.infer<typeof lineageFile>['inputs']): BundleReview['datasets'] {
  const byVersion = new Map<string, BundleReview['datasets'][number]>();
  for (const i of inputs) {
    const key = `${i.artifact}@${i.version}`;
    const seen = byVersion.get(key);
    if (!seen)
      byVersion.set(key, {
        artifact: i.artifact,
        version: i.version,
        rootHash: i.rootHash,
        path: i.path,
        stages: i.stage ? [i.stage] : [],
      });
    else if (i.stage && !seen.stages.includes(i.stage)) seen.stages.push(i.stage);
  }
  return [...byVersion.values()];
}

/** What the bundle in `folder` (extracted and verified) says, read against the schemas above. */
export async function summarise(
  file: string,
  folder: string,
  manifest: BundleManifest,
  verify: BundleReview['verify'],
): Promise<BundleReview> {
  const unreadable: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>): T | null => {
    const p = path.join(folder, name);
    if (!fs.existsSync(p)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(p, 'utf8'));
    } catch (err) {
      unreadable.push(`${name}: not JSON (${(err as Error).message})`);
      return null;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    unreadable.push(`${name}: ${issue.path.join('.') || 'the file'}: ${issue.message}`);
    return null;
  };
  const lineage = read('lineage.json', lineageFile);
  const env = read('environment.json', environmentFile);
  const gates = read('gates.json', gatesFile);
  const run = lineage?.run ?? null;
  const listed = manifest.files.find((f) => f.path === DIFF_NAME);
  let diff: BundleReview['diff'] = null;
  if (listed) {
    const p = path.join(folder, ...DIFF_NAME.split('/'));
    const files = await diffStat(p);
    const fd = fs.openSync(p, 'r');
    const head = Buffer.alloc(Math.min(listed.size, DIFF_PREVIEW_BYTES));
    try {
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    diff = {
      path: p,
      bytes: listed.size,
      sha256: listed.sha256,
      files,
      added: files.reduce((s, f) => s + f.added, 0),
      deleted: files.reduce((s, f) => s + f.deleted, 0),
      text: head.toString('utf8'),
      truncated: listed.size > head.length,
    };
  }
  const o = env?.os;
  return {
    file: path.resolve(file),
    folder,
    verify,
    createdAt: typeof manifest.createdAt === 'string' ? manifest.createdAt : null,
    createdBy: typeof manifest.createdBy === 'string' ? manifest.createdBy : null,
    model: manifest.model,
    files: manifest.files,
    run: runBrief(run),
    code: run?.code ?? null,
    diff,
    untracked: manifest.files
      .filter((f) => f.path.startsWith(UNTRACKED_DIR))
      .map((f) => ({ path: f.path.slice(UNTRACKED_DIR.length), bytes: f.size, sha256: f.sha256 })),
    params: run?.params ?? {},
    metrics: run?.metrics ?? {},
    datasets: readOnce(lineage?.inputs ?? []),
    environment: env
      ? {
          python: env.python ?? null,
          node: env.node ?? null,
          os: o ? [o.platform, o.release, o.arch].filter(Boolean).join(' ') : null,
          packages: env.pipFreeze ?? [],
          lockFiles: Object.entries(env.lockFiles ?? {}).map(([name, l]) => ({ name, ...l })),
        }
      : null,
    gates,
    validation: (read('validation.json', validationFile) ?? []).map((v) => ({
      artifact: v.artifact,
      version: v.version,
      name: v.name,
      status: v.status,
      at: v.at,
      counts: v.report?.counts ?? null,
    })),
    referenceStatistics: (read('reference-statistics.json', statisticsFile) ?? []).map((s) => ({
      artifact: s.artifact,
      version: s.version,
      file: s.file,
      rows: s.profile?.rows ?? null,
      columns: s.profile?.columns.length ?? null,
      error: s.error ?? null,
    })),
    inputExample: ((e) => e && { rows: e.rows.length, source: e.source })(
      read('input_example.json', exampleFile),
    ),
    unreadable,
  };
}
