import type { CompareSeries, SeriesX } from '../../../shared/api/compare.js';
import type { Db } from '../db/sqlite.js';

const f64 = (buf: Buffer): Float64Array => {
  // SQLite hands back blobs at any byte offset; Float64Array needs 8-byte alignment.
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float64Array(copy.buffer);
};

const b64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** Reads one run's series for a key, concatenating its chunks (the pipelines engine's metric_chunks) in order. */
export function readSeries(db: Db, runId: string, key: string, x: SeriesX): { xs: Float64Array; ys: Float64Array } {
  const col = x === 'step' ? 'steps' : 'times';
  const chunks = db.prepare(`SELECT n, ${col} AS x, vals FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq`).all(runId, key) as { n: number; x: Buffer; vals: Buffer }[];
  const total = chunks.reduce((s, c) => s + c.n, 0);
  const xs = new Float64Array(total);
  const ys = new Float64Array(total);
  let at = 0;
  for (const c of chunks) {
    xs.set(f64(c.x).subarray(0, c.n), at);
    ys.set(f64(c.vals).subarray(0, c.n), at);
    at += c.n;
  }
  if (x === 'relative' && total > 0) {
    const t0 = xs[0];
    for (let i = 0; i < total; i++) xs[i] = (xs[i] - t0) / 1000;
  }
  return { xs, ys };
}

/**
 * Min/max downsampling: the points are cut into points/2 buckets of consecutive samples, and each
 * bucket keeps its lowest and its highest value, in the order they occur. Spikes survive (a mean
 * would flatten them) and the chart never gets more points than it has pixels to draw them.
 */
export function downsample(xs: Float64Array, ys: Float64Array, points: number): { xs: Float64Array; ys: Float64Array } {
  const n = xs.length;
  if (n <= points) return { xs, ys };
  const buckets = Math.max(1, Math.floor(points / 2));
  const ox = new Float64Array(buckets * 2);
  const oy = new Float64Array(buckets * 2);
  let k = 0;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const v = ys[i];
      if (v < ys[lo] || Number.isNaN(ys[lo])) lo = i;
      if (v > ys[hi] || Number.isNaN(ys[hi])) hi = i;
    }
    const [a, c] = lo <= hi ? [lo, hi] : [hi, lo];
    ox[k] = xs[a];
    oy[k++] = ys[a];
    if (c !== a) {
      ox[k] = xs[c];
      oy[k++] = ys[c];
    }
  }
  return { xs: ox.slice(0, k), ys: oy.slice(0, k) };
}

export function compareSeries(db: Db, runIds: string[], key: string, points: number, x: SeriesX): CompareSeries[] {
  return runIds.map((runId) => {
    const full = readSeries(db, runId, key, x);
    const d = downsample(full.xs, full.ys, points);
    return { runId, key, total: full.xs.length, x: b64(d.xs), y: b64(d.ys) };
  });
}
