import type { SeriesX } from '../../../shared/api/compare.js';
import type { SeriesResult } from '../../../shared/api/runs.js';
import type { Db } from '../db/sqlite.js';
import { floats } from './chunks.js';

/** A stretch of one series: `n` points, their x and their values. */
export interface SeriesChunk {
  n: number;
  xs: Float64Array;
  vals: Float64Array;
}

/** What a downsampler does with the slices of one bucket: `[from, to)` of a chunk's arrays, in order. */
interface BucketReducer {
  slice(bucket: number, xs: Float64Array, vals: Float64Array, from: number, to: number, first: boolean): void;
  /** the bucket's last slice has been seen */
  end(bucket: number): void;
}

/**
 * The stored chunks of one series (metric_chunks: Float64 blobs, in seq order), walked in place. x is
 * the step, the wall time (epoch ms), or for 'relative' the wall time again: relativeX() shifts it.
 */
export function seriesChunks(db: Db, runId: string, key: string, x: SeriesX): Iterable<SeriesChunk> {
  const column = x === 'step' ? 'steps' : 'times';
  const rows = db
    .prepare(`SELECT n, ${column} AS xs, vals FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq`)
    .iterate(runId, key) as IterableIterator<{ n: number; xs: Buffer; vals: Buffer }>;
  return {
    *[Symbol.iterator]() {
      for (const row of rows) yield { n: row.n, xs: floats(row.xs), vals: floats(row.vals) };
    },
  };
}

/** Wall times (epoch ms) to seconds since the series' first point, in place. */
function relativeX(db: Db, runId: string, key: string, xs: { length: number; [i: number]: number }): void {
  if (xs.length === 0) return;
  const t0 = db
    .prepare('SELECT times FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq LIMIT 1')
    .pluck()
    .get(runId, key) as Buffer;
  const first = floats(t0)[0];
  for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] - first) / 1000;
}

/**
 * Cuts the first `total` points into `buckets` runs of equal count (bucket b holds the indexes
 * [floor(b·total/buckets), floor((b+1)·total/buckets))) and hands each bucket its slices of each
 * chunk; the series is never copied into one array. Returns the points walked and the buckets
 * completed, fewer when the chunks hold fewer points than `total`.
 */
function walkBuckets(
  chunks: Iterable<SeriesChunk>,
  total: number,
  buckets: number,
  reducer: BucketReducer,
): { points: number; buckets: number } {
  const start = (b: number) => Math.floor((b * total) / buckets);
  let index = 0;
  let bucket = 0;
  for (const c of chunks) {
    const n = Math.min(c.n, total - index);
    let i = 0;
    while (i < n && bucket < buckets) {
      const bucketEnd = start(bucket + 1);
      const stop = Math.min(n, bucketEnd - index);
      reducer.slice(bucket, c.xs, c.vals, i, stop, index + i === start(bucket));
      i = stop;
      if (index + i === bucketEnd) reducer.end(bucket++);
    }
    index += n;
    if (index >= total) break;
  }
  return { points: index, buckets: bucket };
}

/**
 * One series, reduced to at most `points` buckets of equal point count: each bucket carries the x of
 * its first point, the mean, and the min and max of its values, so spikes survive downsampling.
 */
export function readSeries(db: Db, runId: string, key: string, points: number, x: SeriesX): SeriesResult {
  const total =
    (db.prepare('SELECT count FROM run_metrics WHERE run_id = ? AND key = ?').pluck().get(runId, key) as
      number | undefined) ?? 0;
  const buckets = Math.max(1, Math.min(points, total));
  const xs = new Array<number>(buckets);
  const ys = new Array<number>(buckets);
  const mins = new Array<number>(buckets).fill(Infinity);
  const maxs = new Array<number>(buckets).fill(-Infinity);
  const sums = new Float64Array(buckets);
  const walked = walkBuckets(seriesChunks(db, runId, key, x), total, buckets, {
    slice(b, xa, va, from, to, first) {
      if (first) xs[b] = xa[from];
      let lo = mins[b];
      let hi = maxs[b];
      let sum = 0;
      for (let j = from; j < to; j++) {
        const v = va[j];
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      mins[b] = lo;
      maxs[b] = hi;
      sums[b] += sum;
    },
    end: () => undefined,
  });
  const filled = walked.buckets;
  for (let b = 0; b < filled; b++)
    ys[b] = sums[b] / (Math.floor(((b + 1) * total) / buckets) - Math.floor((b * total) / buckets));
  xs.length = ys.length = mins.length = maxs.length = filled;
  if (x === 'relative') relativeX(db, runId, key, xs);
  return { runId, key, x, total: walked.points, xs, ys, mins, maxs };
}

/**
 * Min/max downsampling: `total` points cut into points/2 buckets, each keeping its lowest and its
 * highest point in the order they occur. Spikes survive (a mean would flatten them) and a chart never
 * gets more points than it has pixels to draw them. A series of at most `points` points is kept whole.
 */
function minMax(
  chunks: Iterable<SeriesChunk>,
  total: number,
  points: number,
): { xs: Float64Array; ys: Float64Array } {
  if (total <= points) {
    const xs = new Float64Array(total);
    const ys = new Float64Array(total);
    let at = 0;
    for (const c of chunks) {
      xs.set(c.xs.subarray(0, c.n), at);
      ys.set(c.vals.subarray(0, c.n), at);
      at += c.n;
    }
    return { xs, ys };
  }
  const buckets = Math.max(1, Math.min(Math.floor(points / 2), total));
  const xs = new Float64Array(buckets * 2);
  const ys = new Float64Array(buckets * 2);
  let k = 0;
  // Positions within the bucket of its lowest and highest point; -1 before its first point.
  let seen = 0;
  let lo = -1;
  let hi = -1;
  let loX = 0;
  let loY = Infinity;
  let hiX = 0;
  let hiY = -Infinity;
  walkBuckets(chunks, total, buckets, {
    slice(_b, xa, va, from, to) {
      for (let j = from; j < to; j++) {
        const y = va[j];
        // NaN never wins a comparison, so a bucket of NaN keeps its first point rather than none.
        if (lo < 0 || y < loY) {
          lo = seen + j - from;
          loX = xa[j];
          loY = y;
        }
        if (hi < 0 || y > hiY) {
          hi = seen + j - from;
          hiX = xa[j];
          hiY = y;
        }
      }
      seen += to - from;
    },
    end() {
      const loFirst = lo <= hi;
      xs[k] = loFirst ? loX : hiX;
      ys[k++] = loFirst ? loY : hiY;
      if (lo !== hi) {
        xs[k] = loFirst ? hiX : loX;
        ys[k++] = loFirst ? hiY : loY;
      }
      seen = 0;
      lo = hi = -1;
    },
  });
  return { xs: xs.slice(0, k), ys: ys.slice(0, k) };
}

/** Min/max downsampling of a series held in two arrays. */
export function downsample(
  xs: Float64Array,
  ys: Float64Array,
  points: number,
): { xs: Float64Array; ys: Float64Array } {
  if (xs.length <= points) return { xs, ys };
  return minMax([{ n: xs.length, xs, vals: ys }], xs.length, points);
}

/** One run's series for a key, min/max-downsampled to about `points` points as its chunks stream past. */
export function readMinMax(
  db: Db,
  runId: string,
  key: string,
  points: number,
  x: SeriesX,
): { total: number; xs: Float64Array; ys: Float64Array } {
  const total = db
    .prepare('SELECT coalesce(sum(n), 0) FROM metric_chunks WHERE run_id = ? AND key = ?')
    .pluck()
    .get(runId, key) as number;
  const out = minMax(seriesChunks(db, runId, key, x), total, points);
  if (x === 'relative') relativeX(db, runId, key, out.xs);
  return { total, ...out };
}
