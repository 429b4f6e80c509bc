import { z } from 'zod';
import { returns } from './define.js';
import type { FsckReport } from './artifacts.js';

/** exact: every output byte for byte and every metric equal; within-tolerance: metrics inside their tolerance. */
export type ReproVerdict = 'exact' | 'within-tolerance' | 'not-reproduced';
export type ReproStatus = 'running' | 'done' | 'refused' | 'failed' | 'cancelled';
export type DifferenceCategory = 'code' | 'params' | 'data' | 'environment' | 'nondeterminism';

/** One thing that differs between the original run and its reproduction, with where it comes from. */
export interface ReproDifference {
  category: DifferenceCategory;
  /** what differs, e.g. "out models/model.json", "metric test.accuracy", "param train.epochs", "package numpy" */
  subject: string;
  original: string | null;
  reproduced: string | null;
  note: string;
}

export type LimitKind =
  | 'code-unknown'
  | 'commit-gone'
  | 'diff-not-applied'
  | 'binary-change'
  | 'untracked-skipped'
  | 'missing-data'
  | 'no-stages'
  | 'not-finished';

/** What the original did not record, or what could not be put back: named before any verdict. */
export interface ReproLimit {
  kind: LimitKind;
  message: string;
  /** the reproduction cannot go on without it (it is refused) */
  fatal: boolean;
}

/** |a − b| ≤ abs, or |a − b| ≤ rel × |a| */
export interface Tolerance {
  abs?: number;
  rel?: number;
}

export interface OutputComparison {
  stage: string;
  path: string;
  original: string | null;
  reproduced: string | null;
  equal: boolean;
}

export interface MetricComparison {
  key: string;
  original: number | null;
  reproduced: number | null;
  /** the largest difference over the whole series (final value included) */
  maxDiff: number | null;
  points: { original: number; reproduced: number };
  tolerance: Tolerance;
  result: 'equal' | 'within' | 'outside' | 'missing';
}

export interface Reproduction {
  id: string;
  runId: string;
  /** the reproduction's own run (null when it was refused before any stage ran) */
  reproRunId: string | null;
  status: ReproStatus;
  verdict: ReproVerdict | null;
  limits: ReproLimit[];
  differences: ReproDifference[];
  outputs: OutputComparison[];
  metrics: MetricComparison[];
  /** what to try next (seeds, determinism flags) when outputs differed with identical inputs */
  suggestions: string[];
  tolerances: Record<string, Tolerance>;
  startedAt: number;
  endedAt: number | null;
  /** ms spent preparing the scratch folder (worktree, diff, untracked files, data) */
  setupMs: number | null;
  error: string | null;
}

export interface LineageNode {
  id: string;
  kind: 'dataset' | 'run' | 'model' | 'gate' | 'deployment';
  label: string;
  /** what opening the node shows: a run id, or artifact@version */
  ref: string;
  status?: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

/** The background check of every stored hash (fsck, moving and writing nothing when read-only). */
export interface VerifyState {
  state: 'none' | 'running' | 'done' | 'failed';
  jobId: string | null;
  report: FsckReport | null;
  error: string | null;
}

/** "0.01" is absolute, "1%" relative; a metric name may be any key. */
export const toleranceText = z
  .string()
  .regex(
    /^\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*%?\s*$/,
    'a tolerance is a number (absolute) or a percentage',
  );

export const reviewCalls = {
  /** Re-runs a run's recorded stages (run: id, prefix, name, or artifact@version it wrote) in a scratch folder and judges the outcome; a job of stages. */
  'reproduce.start': {
    params: z
      .object({
        run: z.string().min(1),
        tolerances: z.record(z.string().min(1), toleranceText).default({}),
      })
      .strict(),
    result: returns<{ jobId: string; reproductionId: string }>(),
  },
  'reproduce.get': { params: z.object({ id: z.string().min(1) }).strict(), result: returns<Reproduction>() },
  /** The latest reproduction of a run (for its badge), or null. */
  'reproduce.latest': {
    params: z.object({ run: z.string().min(1) }).strict(),
    result: returns<Reproduction | null>(),
  },
  /** One self-contained HTML file reviewing a run, or the run that wrote artifact@version. */
  'review.html': {
    params: z.object({ target: z.string().min(1) }).strict(),
    result: returns<{ html: string; fileName: string }>(),
  },
  /** The background verification of the store; start: begin one if none ran in this session. */
  'review.verify': {
    params: z.object({ start: z.boolean().default(false) }).strict(),
    result: returns<VerifyState>(),
  },
  /** dataset versions → runs → model versions → gates → deployments */
  'review.lineage': { params: z.object({}).strict(), result: returns<LineageGraph>() },
};
