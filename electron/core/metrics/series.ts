import type { SeriesResult } from '../../../shared/api/runs.js';
import type { Db } from '../db/sqlite.js';
import { floats } from './chunks.js';

interface ChunkRow {
  n: number;
  xs: Buffer;
  vals: Buffer;
}

/**
 * One series, reduced to at most `points` buckets of equal point count: each bucket carries the x of
 * its first point, the mean, and the min and max of its values, so spikes survive downsampling. The
 * chunks are walked in place; the full series is never copied into one array.
 */
export function readSeries(db: Db, runId: string, key: string, points: number, x: 'step' | 'time'): SeriesResult {
  const total = (db.prepare('SELECT count FROM run_metrics WHERE run_id = ? AND key = ?').pluck().get(runId, key) as number | undefined) ?? 0;
  const column = x === 'time' ? 'times' : 'steps';
  const rows = db.prepare(`SELECT n, ${column} AS xs, vals FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq`).iterate(runId, key) as IterableIterator<ChunkRow>;
  const buckets = Math.max(1, Math.min(points, total));
  // Bucket b holds the points with index in [start(b), start(b + 1)): equal counts, no per-point branching.
  const start = (b: number) => Math.floor((b * total) / buckets);
  const xs = new Array<number>(buckets);
  const ys = new Array<number>(buckets);
  const mins = new Array<number>(buckets).fill(Infinity);
  const maxs = new Array<number>(buckets).fill(-Infinity);
  const sums = new Float64Array(buckets);
  let index = 0;
  let bucket = 0;
  for (const row of rows) {
    const xa = floats(row.xs);
    const va = floats(row.vals);
    const n = Math.min(row.n, total - index);
    let i = 0;
    while (i < n && bucket < buckets) {
      const bucketStart = start(bucket);
      const bucketEnd = start(bucket + 1);
      if (index + i === bucketStart) xs[bucket] = xa[i];
      const stop = Math.min(n, bucketEnd - index);
      let lo = mins[bucket];
      let hi = maxs[bucket];
      let sum = 0;
      for (let j = i; j < stop; j++) {
        const v = va[j];
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      mins[bucket] = lo;
      maxs[bucket] = hi;
      sums[bucket] += sum;
      i = stop;
      if (index + i === bucketEnd) bucket += 1;
    }
    index += n;
    if (index >= total) break;
  }
  const filled = Math.min(bucket, buckets);
  for (let b = 0; b < filled; b++) ys[b] = sums[b] / (start(b + 1) - start(b));
  xs.length = ys.length = mins.length = maxs.length = filled;
  return { runId, key, x, total: index, xs, ys, mins, maxs };
}
