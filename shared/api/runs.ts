import { z } from 'zod';
import { returns } from './define.js';
import type { SeriesX } from './compare.js';

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type RunKind = 'pipeline' | 'client' | 'inbox';
export type StageStatus = 'pending' | 'skipped' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
/** The reason of a pending stage the run has not reached; any other is a SLURM job queued ahead. */
export const STAGE_WAITING = 'waiting';

/** How a stage of a run is shown: a pending one whose SLURM job is already queued says so. */
export function shownStatus(s: { status: StageStatus; reason: string }): StageStatus | 'queued' {
  return s.status === 'pending' && s.reason !== STAGE_WAITING ? 'queued' : s.status;
}

export interface StageRun {
  stage: string;
  status: StageStatus;
  /** why the stage ran or was skipped, in words */
  reason: string;
  cmd: string;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** bytes of output the stage printed, and how many of them were dropped past the cap */
  logBytes: number;
  logDropped: number;
}

export interface RunVersion {
  role: 'in' | 'out';
  stage: string;
  path: string;
  artifact: string;
  version: number;
  versionId: number;
  rootHash: string;
  /**
   * an out of a stage this run skipped as up to date: the version the run kept, not one it wrote
   * (it belongs to the run's lineage all the same)
   */
  kept: boolean;
}

/** A param as the run logged it: JSON's types. */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export interface RunSummary {
  id: string;
  name: string;
  kind: RunKind;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  /** flattened, each value as logged (numbers stay numbers) */
  params: Record<string, ParamValue>;
  /** the final value of each series */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  note: string;
  stages: StageRun[];
  versions: RunVersion[];
}

export interface MetricInfo {
  key: string;
  value: number;
  step: number;
  count: number;
  min: number;
  max: number;
}

export interface UntrackedFile {
  /** relative to the project folder */
  path: string;
  bytes: number;
}

/**
 * What a run knows of the code it ran. 'recorded' means every part below was seen and stored;
 * anything less is 'unknown', with the reason, and never taken for a clean working tree.
 */
export type CodeState =
  | { state: 'unknown'; reason: string; commit: string | null }
  | {
      state: 'recorded';
      commit: string;
      branch: string | null;
      /** the project folder inside the repository ('' at its root): the diff's paths start there */
      repoPrefix: string;
      /**
       * root hash of the stored tree diff.patch + untracked/<path> (restoreVersion puts it back);
       * null when there was neither a change nor an untracked file
       */
      snapshot: string | null;
      /** uncommitted changes to tracked files (staged or not) against the commit; null: none */
      diff: { bytes: number; sha256: string; files: number; binaryFiles: string[] } | null;
      untracked: {
        /** kept: their content is in the snapshot */
        files: UntrackedFile[];
        /** listed only: over a cap, a symbolic link or not a regular file */
        skipped: (UntrackedFile & { why: string })[];
        capHit: boolean;
        cap: { fileBytes: number; totalBytes: number };
      };
    };

export interface RunDetail extends RunSummary {
  pipelineHash: string | null;
  /** diff: the first 256 KiB of the diff (all of it is in the store, see code) */
  git: { commit: string | null; diffHash: string | null; diff: string | null };
  code: CodeState;
  environment: Record<string, unknown> | null;
  error: string | null;
  /** lines of tracking or metrics files that were not valid, and metric values that were NaN or ±Inf: skipped, counted */
  skippedLines: number;
  nonFiniteValues: number;
  metricInfo: MetricInfo[];
  artifacts: string[];
}

export interface LogLine {
  id: number;
  stage: string;
  stream: 'stdout' | 'stderr' | 'strata';
  at: number;
  text: string;
}

export interface SeriesResult {
  runId: string;
  key: string;
  x: SeriesX;
  /** points in the stored series */
  total: number;
  /** one entry per bucket: x of the bucket's first point, mean, min and max of its values */
  xs: number[];
  ys: number[];
  mins: number[];
  maxs: number[];
}

export interface RunLogEvent {
  runId: string;
  stage: string;
  stream: 'stdout' | 'stderr' | 'strata';
  text: string;
}

/** One file a run made or wrote: its own files (log_dict, log_figure…) and the versions it wrote. */
export interface RunFile {
  /** 'file': kept with the run (.strata/runs/<id>/files); 'version': a version the run wrote */
  kind: 'file' | 'version';
  /** the file's name for 'file', the artifact's path for 'version' */
  path: string;
  bytes: number;
  media: string;
  /** for 'version': which artifact@version holds it */
  artifact?: string;
  version?: number;
  fileCount?: number;
}

/** A run's file for preview: text, or base64 for images; cut at the cap (truncated says so). */
export interface RunFileContent {
  path: string;
  media: string;
  bytes: number;
  encoding: 'utf8' | 'base64';
  content: string;
  truncated: boolean;
}

/** A run's id, a unique prefix of it, or its name. */
const runId = z.string().min(1, 'a run id is required');

export const runCalls = {
  'runs.list': {
    params: z
      .object({
        status: z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted']).optional(),
        name: z.string().optional(),
        tag: z.string().optional(),
        limit: z.number().int().positive().max(10000).default(200),
      })
      .strict(),
    result: returns<RunSummary[]>(),
  },
  'runs.get': { params: z.object({ id: runId }).strict(), result: returns<RunDetail>() },
  'runs.files': { params: z.object({ id: runId }).strict(), result: returns<RunFile[]>() },
  'runs.file': {
    params: z.object({ id: runId, path: z.string().min(1).max(4096) }).strict(),
    result: returns<RunFileContent>(),
  },
  'runs.logs': {
    params: z
      .object({
        id: runId,
        stage: z.string().optional(),
        after: z.number().int().min(0).default(0),
        limit: z.number().int().positive().max(100000).default(5000),
      })
      .strict(),
    result: returns<{ lines: LogLine[]; next: number }>(),
  },
  /** Asks the run to stop (whichever process runs it) and answers once it has, or after waitMs. */
  'runs.cancel': {
    params: z.object({ id: runId, waitMs: z.number().int().min(0).max(3_600_000).default(0) }).strict(),
    result: returns<RunSummary>(),
  },
  /** Brings the record up to date: runs whose runner died end as interrupted, runs logged from a terminal are ingested. Returns the ids that changed. */
  'runs.refresh': { params: z.object({}).strict(), result: returns<string[]>() },
  'runs.update': {
    params: z
      .object({
        id: runId,
        note: z.string().max(100000).optional(),
        setTags: z.record(z.string().min(1).max(200), z.string().max(2000)).optional(),
        removeTags: z.array(z.string()).optional(),
      })
      .strict(),
    result: returns<RunDetail>(),
  },
  'metrics.series': {
    params: z
      .object({
        runIds: z.array(runId).min(1).max(100),
        key: z.string().min(1),
        points: z.number().int().min(2).max(100000).default(2000),
        x: z.enum(['step', 'time', 'relative']).default('step'),
      })
      .strict(),
    result: returns<SeriesResult[]>(),
  },
};
