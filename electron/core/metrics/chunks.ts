import type { Db } from '../db/sqlite.js';

/** Points per stored chunk: big enough that a million points are a few hundred blobs, small enough to rewrite the open one cheaply. */
export const CHUNK_POINTS = 4096;

interface OpenSeries {
  seq: number;
  n: number;
  steps: Float64Array;
  vals: Float64Array;
  times: Float64Array;
  dirty: boolean;
  count: number;
  min: number;
  max: number;
  lastStep: number;
  lastValue: number;
}

function blob(a: Float64Array, n: number): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, n * 8);
}

/** A Float64Array over a blob from SQLite; copied only when the Buffer is not 8-byte aligned. */
export function floats(buf: Buffer): Float64Array {
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float64Array(copy.buffer);
}

/**
 * Appends metric points of one run to chunked Float64 blobs. Points are buffered in memory and
 * written by flush() in one transaction; the last, partly filled chunk of each series is kept in
 * memory and rewritten in place until it is full, so a slow logger never leaves a trail of tiny chunks.
 */
export class SeriesWriter {
  private series = new Map<string, OpenSeries>();
  private full: { key: string; seq: number; steps: Float64Array; vals: Float64Array; times: Float64Array }[] =
    [];
  private readonly upsertChunk;
  private readonly upsertSummary;
  private readonly lastChunk;
  private readonly summary;

  constructor(
    private readonly db: Db,
    readonly runId: string,
  ) {
    this.upsertChunk = db.prepare(
      'INSERT OR REPLACE INTO metric_chunks (run_id, key, seq, n, steps, vals, times) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertSummary = db.prepare(
      'INSERT OR REPLACE INTO run_metrics (run_id, key, value, step, count, min, max, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastChunk = db.prepare(
      'SELECT seq, n, steps, vals, times FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq DESC LIMIT 1',
    );
    this.summary = db.prepare(
      'SELECT value, step, count, min, max FROM run_metrics WHERE run_id = ? AND key = ?',
    );
  }

  /** Keys written since the last flush. */
  get pendingKeys(): string[] {
    return [...this.series].filter(([, s]) => s.dirty).map(([k]) => k);
  }

  /** The step the next point of key gets when the logger gave none. */
  nextStep(key: string): number {
    const s = this.open(key);
    return s.count === 0 ? 0 : s.lastStep + 1;
  }

  has(key: string): boolean {
    return this.open(key).count > 0;
  }

  append(key: string, step: number, value: number, time: number): void {
    const s = this.open(key);
    if (s.n === CHUNK_POINTS) {
      // The full arrays are handed over as they are and the series starts fresh ones: no copy.
      this.full.push({ key, seq: s.seq, steps: s.steps, vals: s.vals, times: s.times });
      s.steps = new Float64Array(CHUNK_POINTS);
      s.vals = new Float64Array(CHUNK_POINTS);
      s.times = new Float64Array(CHUNK_POINTS);
      s.seq += 1;
      s.n = 0;
    }
    s.steps[s.n] = step;
    s.vals[s.n] = value;
    s.times[s.n] = time;
    s.n += 1;
    s.count += 1;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
    s.lastStep = step;
    s.lastValue = value;
    s.dirty = true;
  }

  /** Writes everything appended so far; returns the keys that changed. */
  flush(): string[] {
    const keys = this.pendingKeys;
    if (keys.length === 0) return keys;
    const now = Date.now();
    this.db.transaction(() => {
      for (const c of this.full.splice(0)) {
        this.upsertChunk.run(
          this.runId,
          c.key,
          c.seq,
          CHUNK_POINTS,
          blob(c.steps, CHUNK_POINTS),
          blob(c.vals, CHUNK_POINTS),
          blob(c.times, CHUNK_POINTS),
        );
      }
      for (const key of keys) {
        const s = this.series.get(key)!;
        if (s.n > 0) this.writeChunk(key, s);
        this.upsertSummary.run(this.runId, key, s.lastValue, s.lastStep, s.count, s.min, s.max, now);
        s.dirty = false;
      }
    })();
    return keys;
  }

  private writeChunk(key: string, s: OpenSeries): void {
    this.upsertChunk.run(
      this.runId,
      key,
      s.seq,
      s.n,
      blob(s.steps, s.n),
      blob(s.vals, s.n),
      blob(s.times, s.n),
    );
  }

  private open(key: string): OpenSeries {
    let s = this.series.get(key);
    if (s) return s;
    s = {
      seq: 0,
      n: 0,
      steps: new Float64Array(CHUNK_POINTS),
      vals: new Float64Array(CHUNK_POINTS),
      times: new Float64Array(CHUNK_POINTS),
      dirty: false,
      count: 0,
      min: Infinity,
      max: -Infinity,
      lastStep: -1,
      lastValue: 0,
    };
    // A series this run already has (an earlier writer, a resumed ingestion) continues where it ended.
    const last = this.lastChunk.get(this.runId, key) as
      { seq: number; n: number; steps: Buffer; vals: Buffer; times: Buffer } | undefined;
    const sum = this.summary.get(this.runId, key) as
      { value: number; step: number; count: number; min: number; max: number } | undefined;
    if (last && sum) {
      s.seq = last.seq;
      s.n = last.n;
      s.steps.set(floats(last.steps));
      s.vals.set(floats(last.vals));
      s.times.set(floats(last.times));
      Object.assign(s, {
        count: sum.count,
        min: sum.min,
        max: sum.max,
        lastStep: sum.step,
        lastValue: sum.value,
      });
    }
    this.series.set(key, s);
    return s;
  }
}
