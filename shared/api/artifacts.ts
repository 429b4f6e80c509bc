import { z } from 'zod';
import { returns } from './define.js';

export type ArtifactKind = 'dataset' | 'model' | 'other';
export type VersionSource = 'manual' | 'watch' | 'run';

export interface VersionInfo {
  id: number;
  artifact: string;
  number: number;
  rootHash: string;
  type: 'file' | 'dir';
  fileCount: number;
  totalBytes: number;
  message: string | null;
  source: VersionSource;
  runId: string | null;
  /** number of the version this one followed */
  parent: number | null;
  createdAt: string;
  aliases: string[];
}

export interface ArtifactInfo {
  id: number;
  name: string;
  path: string;
  kind: ArtifactKind;
  watch: boolean;
  /** listed in strata.yaml (artifacts created by runs may not be) */
  declared: boolean;
  /** newest first */
  versions: VersionInfo[];
}

export interface TreeEntry {
  path: string;
  kind: 'f' | 'd';
  mode: number;
  size: number;
  hash: string;
}

export interface ColumnStats {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'mixed' | 'empty';
  nulls: number;
  distinct: number;
  /** distinct counting stops here, so `distinct` is a lower bound when capped */
  distinctCapped: boolean;
  min: number | null;
  max: number | null;
  mean: number | null;
}

export interface TabularStats {
  format: 'csv' | 'tsv' | 'jsonl' | 'parquet';
  rows: number;
  columns: ColumnStats[];
}

export interface TabularChange {
  path: string;
  before: TabularStats | null;
  after: TabularStats | null;
  addedColumns: string[];
  removedColumns: string[];
  typeChanges: { column: string; from: string; to: string }[];
  rowDelta: number | null;
  /** set when a side could not be parsed; the file diff still stands */
  error: string | null;
}

export interface FileChange {
  path: string;
  sizeBefore: number | null;
  sizeAfter: number | null;
}

export interface DiffResult {
  a: VersionInfo;
  b: VersionInfo;
  /** where each side's artifact lives in the project (a file artifact's one file has the path '') */
  paths: { a: string; b: string };
  added: FileChange[];
  removed: FileChange[];
  changed: FileChange[];
  unchanged: number;
  tabular: TabularChange[];
}

export interface FsckReport {
  ok: boolean;
  objects: number;
  bytes: number;
  manifests: number;
  bad: { hash: string; quarantinedTo: string }[];
  missing: { artifact: string; version: number; path: string; hash: string }[];
  badManifests: string[];
}

export interface GcReport {
  applied: boolean;
  unreferenced: number;
  bytes: number;
  /** unreferenced but younger than the grace period, so possibly an add still in progress */
  young: number;
}

/** One move of an alias, oldest first: it came to `version` from `previous` (null when it was new). */
export interface AliasChange {
  alias: string;
  version: number;
  previous: number | null;
  at: string;
}

/** One artifact's versions (newest first) and how its aliases moved: what `strata versions` prints. */
export interface ArtifactHistory {
  artifact: string;
  path: string;
  kind: ArtifactKind;
  versions: VersionInfo[];
  aliasHistory: AliasChange[];
}

/** What an add's job ends with: the version (created: false when the content was unchanged), and whether strata.yaml gained the artifact. */
export interface AddResult {
  id: number;
  artifact: string;
  version: number;
  rootHash: string;
  created: boolean;
  /** files of a folder left out because they are no regular file, relative to the artifact */
  skipped: { path: string; kind: string }[];
  declared: boolean;
}

export interface VersionedEvent {
  artifact: string;
  version: VersionInfo;
  created: boolean;
}

export interface WatchStatus {
  mode: 'native' | 'polling' | 'off';
  artifacts: string[];
  /** why Strata fell back to polling, in words a person can act on */
  message: string | null;
}

/** How old an unreferenced content must be before a clean-up removes it: younger ones may belong to an add in progress. */
export const GC_GRACE_MINUTES = 10;

const ref = z.string().min(1, 'a version ref is required');
const artifactName = z.string().min(1, 'an artifact name is required');

export const artifactCalls = {
  'artifacts.list': { params: z.object({}).strict(), result: returns<ArtifactInfo[]>() },
  'artifacts.tree': {
    params: z.object({ artifact: artifactName, ref }).strict(),
    result: returns<{ version: VersionInfo; entries: TreeEntry[] }>(),
  },
  'artifacts.diff': {
    params: z.object({ a: z.string().min(1), b: z.string().min(1) }).strict(),
    result: returns<DiffResult>(),
  },
  'artifacts.tag': {
    params: z
      .object({
        artifact: artifactName,
        ref,
        alias: z.string().min(1),
        /** promote a version that fails its gates anyway; recorded with who and when */
        override: z.string().min(1).optional(),
      })
      .strict(),
    result: returns<VersionInfo>(),
  },
  'artifacts.add': {
    params: z
      .object({
        path: z.string().min(1),
        /** default: the named artifact's kind, else dataset */
        kind: z.enum(['dataset', 'model', 'other']).optional(),
        name: z.string().min(1).optional(),
        message: z.string().optional(),
      })
      .strict(),
    result: returns<{ jobId: string }>(),
  },
  /**
   * A job. When the version's contents (or the version itself) are only on a remote, it is refused
   * with ON_REMOTE (details: a RemoteCheckout) unless pull is set: then the one job pulls and checks out.
   */
  'artifacts.checkout': {
    params: z
      .object({
        artifact: artifactName,
        ref,
        force: z.boolean().default(false),
        pull: z.boolean().default(false),
        /** the remote to look on (default: every remote of strata.yaml, the default one first) */
        remote: z.string().min(1).optional(),
      })
      .strict(),
    result: returns<{ jobId: string }>(),
  },
  'artifacts.watchStatus': { params: z.object({}).strict(), result: returns<WatchStatus>() },
  'artifacts.versions': {
    params: z.object({ artifact: artifactName }).strict(),
    result: returns<ArtifactHistory>(),
  },
  'artifacts.aliasHistory': {
    params: z.object({ artifact: artifactName }).strict(),
    result: returns<AliasChange[]>(),
  },
  /** Verifies the whole store as a job; the job's result is the FsckReport. A check already running is returned, not doubled. */
  'artifacts.fsck': { params: z.object({}).strict(), result: returns<{ jobId: string }>() },
  /** Removes (apply) or counts (dry run) the contents no version references, keeping those younger than graceMinutes. */
  'artifacts.gc': {
    params: z
      .object({
        apply: z.boolean(),
        graceMinutes: z
          .number()
          .min(0, 'graceMinutes cannot be negative')
          .max(525_600)
          .default(GC_GRACE_MINUTES),
      })
      .strict(),
    result: returns<GcReport>(),
  },
};
