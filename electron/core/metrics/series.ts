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
  const per = total === 0 ? 1 : total / buckets;
  const xs = new Array<number>(buckets);
  const ys = new Array<number>(buckets);
  const mins = new Array<number>(buckets);
  const maxs = new Array<number>(buckets);
  let bucket = 0;
  let index = 0;
  let nextEdge = per;
  let sum = 0;
  let cnt = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const close = () => {
    ys[bucket] = sum / cnt;
    mins[bucket] = lo;
    maxs[bucket] = hi;
    bucket += 1;
    sum = 0;
    cnt = 0;
    lo = Infinity;
    hi = -Infinity;
  };
  for (const row of rows) {
    const xa = floats(row.xs);
    const va = floats(row.vals);
    for (let i = 0; i < row.n; i++, index++) {
      if (index >= nextEdge && cnt > 0) {
        close();
        nextEdge = (bucket + 1) * per;
      }
      const v = va[i];
      if (cnt === 0) xs[bucket] = xa[i];
      sum += v;
      cnt += 1;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (cnt > 0) close();
  xs.length = ys.length = mins.length = maxs.length = bucket;
  return { runId, key, x, total: index, xs, ys, mins, maxs };
}
