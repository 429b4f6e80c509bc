import type { CompareSeries, SeriesX } from '../../../shared/api/compare.js';
import type { Db } from '../db/sqlite.js';
import { readMinMax } from '../metrics/series.js';

const b64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The series of many runs for one key, min/max-downsampled, as base64 Float64 arrays for the wire. */
export function compareSeries(
  db: Db,
  runIds: string[],
  key: string,
  points: number,
  x: SeriesX,
): CompareSeries[] {
  return runIds.map((runId) => {
    const d = readMinMax(db, runId, key, points, x);
    return { runId, key, total: d.total, x: b64(d.xs), y: b64(d.ys) };
  });
}
