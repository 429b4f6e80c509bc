import { z } from 'zod';
import { returns } from './define.js';
import type { MetricGoal } from '../metric-goal.js';

/**
 * The runs table travels COLUMNAR: one array per column instead of one object per run, numbers as
 * base64 Float64 (little-endian) and text as a dictionary plus base64 Int32 codes. 10,000 runs × 30
 * columns is then ~3 MB that decodes straight into typed arrays, instead of 300,000 JSON objects.
 */
export type ColumnGroup = 'field' | 'param' | 'metric' | 'tag';

export interface NumberColumnWire {
  group: ColumnGroup;
  key: string;
  kind: 'number' | 'time';
  /** metrics only: whether higher or lower is better (strata.yaml's metrics:, else the name); absent when unknown */
  goal?: MetricGoal;
  /** base64 of a Float64Array, one value per run */
  f64: string;
  /** base64 of a Uint8Array, 1 where the run has no value; null when every run has one */
  missing: string | null;
}

export interface TextColumnWire {
  group: ColumnGroup;
  key: string;
  kind: 'text';
  dict: string[];
  /** base64 of an Int32Array of indexes into dict, -1 where the run has no value */
  codes: string;
}

export type ColumnWire = NumberColumnWire | TextColumnWire;

export interface RunsTableWire {
  count: number;
  /** run ids, in the order of every column */
  ids: string[];
  columns: ColumnWire[];
  /** ms since the epoch when the table was read, so the UI can tell a stale table */
  readAt: number;
}

export type SeriesX = 'step' | 'time' | 'relative';

export interface CompareSeries {
  runId: string;
  key: string;
  /** points stored for this run and key, before downsampling */
  total: number;
  /** base64 Float64 x values (step, epoch ms, or seconds since the run's first point) */
  x: string;
  /** base64 Float64 y values */
  y: string;
}

export interface DiffValue {
  /** one entry per run of the request, in its order; null where the run has no such key */
  values: (string | number | boolean | null)[];
  differs: boolean;
}

export interface DataVersionRef {
  artifact: string;
  version: number;
  role: 'in' | 'out';
}

export interface RunDiff {
  runs: { id: string; name: string; status: string; startedAt: string | null }[];
  params: Record<string, DiffValue>;
  metrics: Record<string, DiffValue>;
  env: Record<string, DiffValue>;
  tags: Record<string, DiffValue>;
  /** per run: its data versions (deps and outs) */
  data: DataVersionRef[][];
  /**
   * dirty: uncommitted changes were recorded; unknown: why the code state is not known (then dirty
   * says nothing); patch: the head of the diff; diffHash: sha256 of the whole diff
   */
  code: {
    commit: string | null;
    dirty: boolean;
    unknown: string | null;
    patch: string | null;
    diffHash: string | null;
  }[];
}

export interface SavedView {
  id: number;
  name: string;
  state: unknown;
  updatedAt: string;
}

const runIds = z.array(z.string().min(1)).min(1, 'pick at least one run');

export const compareCalls = {
  'compare.table': { params: z.object({}).strict(), result: returns<RunsTableWire>() },
  'compare.series': {
    params: z
      .object({
        runIds: runIds.max(100000),
        key: z.string().min(1, 'a metric key is required'),
        /** about twice the chart's width in pixels */
        points: z.number().int().min(2).max(20000),
        x: z.enum(['step', 'time', 'relative']).default('step'),
      })
      .strict(),
    result: returns<CompareSeries[]>(),
  },
  'compare.diff': {
    params: z.object({ runIds: runIds.max(50, 'a diff shows at most 50 runs') }).strict(),
    result: returns<RunDiff>(),
  },
  'compare.views.list': { params: z.object({}).strict(), result: returns<SavedView[]>() },
  'compare.views.save': {
    params: z
      .object({ name: z.string().trim().min(1, 'a view needs a name').max(200), state: z.unknown() })
      .strict(),
    result: returns<SavedView>(),
  },
  'compare.views.delete': {
    params: z.object({ id: z.number().int().positive() }).strict(),
    result: returns<null>(),
  },
};
