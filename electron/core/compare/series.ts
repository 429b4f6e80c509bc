import type { CompareSeries, SeriesX } from '../../../shared/api/compare.js';
import type { Db } from '../db/sqlite.js';

/** A Float64Array over a blob; copied only when SQLite's buffer is not 8-byte aligned. */
function floats(buf: Buffer): Float64Array {
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float64Array(copy.buffer);
}

const b64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * Min/max downsampling, fed one point at a time so a long series is never copied into one array:
 * the `total` points are cut into points/2 buckets of consecutive samples, and each bucket keeps its
 * lowest and its highest value, in the order they occur. Spikes survive (a mean would flatten them)
 * and the chart never gets more points than it has pixels to draw them.
 */
export class MinMaxBuckets {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  private k = 0;
  private i = 0;
  private bucket = 0;
  private end: number;
  private readonly buckets: number;
  private lo = -1;
  private hi = -1;
  private loX = 0;
  private loY = Infinity;
  private hiX = 0;
  private hiY = -Infinity;

  constructor(private readonly total: number, points: number) {
    this.buckets = Math.max(1, Math.min(Math.floor(points / 2), total));
    this.xs = new Float64Array(this.buckets * 2);
    this.ys = new Float64Array(this.buckets * 2);
    this.end = this.edge(1);
  }

  private edge(b: number): number {
    return Math.floor((b * this.total) / this.buckets);
  }

  push(x: number, y: number): void {
    if (this.i >= this.end) this.close();
    // NaN never wins a comparison, so a bucket of NaN keeps its first point rather than none.
    if (this.lo < 0 || y < this.loY) {
      this.lo = this.i;
      this.loX = x;
      this.loY = y;
    }
    if (this.hi < 0 || y > this.hiY) {
      this.hi = this.i;
      this.hiX = x;
      this.hiY = y;
    }
    this.i++;
  }

  private close(): void {
    if (this.lo >= 0) {
      const loFirst = this.lo <= this.hi;
      this.emit(loFirst ? this.loX : this.hiX, loFirst ? this.loY : this.hiY);
      if (this.lo !== this.hi) this.emit(loFirst ? this.hiX : this.loX, loFirst ? this.hiY : this.loY);
    }
    this.lo = this.hi = -1;
    this.bucket++;
    this.end = this.edge(this.bucket + 1);
  }

  private emit(x: number, y: number): void {
    this.xs[this.k] = x;
    this.ys[this.k++] = y;
  }

  finish(): { xs: Float64Array; ys: Float64Array } {
    this.close();
    return { xs: this.xs.slice(0, this.k), ys: this.ys.slice(0, this.k) };
  }
}

export function downsample(xs: Float64Array, ys: Float64Array, points: number): { xs: Float64Array; ys: Float64Array } {
  if (xs.length <= points) return { xs, ys };
  const acc = new MinMaxBuckets(xs.length, points);
  for (let i = 0; i < xs.length; i++) acc.push(xs[i], ys[i]);
  return acc.finish();
}

/**
 * One run's series for a key, downsampled while its chunks (the pipelines engine's metric_chunks,
 * three Float64 blobs each) stream past. x is the step, the wall time (epoch ms), or seconds since
 * the run's first point.
 */
export function readDownsampled(db: Db, runId: string, key: string, points: number, x: SeriesX): { total: number; xs: Float64Array; ys: Float64Array } {
  const total = db.prepare('SELECT coalesce(sum(n), 0) FROM metric_chunks WHERE run_id = ? AND key = ?').pluck().get(runId, key) as number;
  const col = x === 'step' ? 'steps' : 'times';
  const rows = db.prepare(`SELECT n, ${col} AS x, vals FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq`).iterate(runId, key) as Iterable<{ n: number; x: Buffer; vals: Buffer }>;
  let out: { xs: Float64Array; ys: Float64Array };
  if (total <= points) {
    const xs = new Float64Array(total);
    const ys = new Float64Array(total);
    let at = 0;
    for (const c of rows) {
      xs.set(floats(c.x).subarray(0, c.n), at);
      ys.set(floats(c.vals).subarray(0, c.n), at);
      at += c.n;
    }
    out = { xs, ys };
  } else {
    const acc = new MinMaxBuckets(total, points);
    for (const c of rows) {
      const cx = floats(c.x);
      const cy = floats(c.vals);
      for (let i = 0; i < c.n; i++) acc.push(cx[i], cy[i]);
    }
    out = acc.finish();
  }
  if (x === 'relative' && out.xs.length > 0) {
    const t0 = db.prepare('SELECT times FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq LIMIT 1').pluck().get(runId, key) as Buffer;
    const first = floats(t0)[0];
    for (let i = 0; i < out.xs.length; i++) out.xs[i] = (out.xs[i] - first) / 1000;
  }
  return { total, ...out };
}

export function compareSeries(db: Db, runIds: string[], key: string, points: number, x: SeriesX): CompareSeries[] {
  return runIds.map((runId) => {
    const d = readDownsampled(db, runId, key, points, x);
    return { runId, key, total: d.total, x: b64(d.xs), y: b64(d.ys) };
  });
}
