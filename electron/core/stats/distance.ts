import type { ColumnProfile } from '../../../shared/api/stats.js';
import { ident, literal } from './duck.js';

/** A share of 0 would make the logarithm infinite; this floor is the usual choice for PSI. */
const FLOOR = 1e-4;

/** Population stability index of two distributions given as counts over the same bins. */
export function psi(reference: number[], current: number[]): number {
  const rt = reference.reduce((a, b) => a + b, 0);
  const ct = current.reduce((a, b) => a + b, 0);
  if (rt === 0 || ct === 0) return 0;
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const e = Math.max(reference[i] / rt, FLOOR);
    const a = Math.max(current[i] / ct, FLOOR);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * SQL for the bins of a reference column: for a numeric column the bin index of each value in the
 * reference histogram (values outside its range fall into the outer bins), for another column the
 * index of the value among the reference's top values, or one "other" bin after them.
 * Returns null when the reference has no distribution to compare with.
 */
export function binSql(ref: ColumnProfile): { expr: string; bins: number; reference: number[] } | null {
  const x = ident(ref.name);
  if (ref.histogram) {
    const { edges, counts } = ref.histogram;
    const lo = edges[0];
    const width = (edges[edges.length - 1] - lo) / counts.length || 1;
    return {
      expr: `greatest(0, least(floor((TRY_CAST(${x} AS DOUBLE) - ${lo}) / ${width})::INTEGER, ${counts.length - 1}))`,
      bins: counts.length,
      reference: counts,
    };
  }
  if (ref.top && ref.top.length) {
    const cases = ref.top.map((t, i) => `WHEN ${x}::VARCHAR = ${literal(t.value)} THEN ${i}`).join(' ');
    const other = ref.count - ref.top.reduce((a, t) => a + t.count, 0);
    return {
      expr: `CASE ${cases} ELSE ${ref.top.length} END`,
      bins: ref.top.length + 1,
      reference: [...ref.top.map((t) => t.count), other],
    };
  }
  return null;
}
