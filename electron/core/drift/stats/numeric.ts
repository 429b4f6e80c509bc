// Binning, PSI and moments of sorted numeric samples.

/** numpy's default ('linear') quantile of sorted values. */
export function quantileSorted(s: Float64Array, q: number): number {
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  const frac = pos - lo;
  return frac === 0 ? s[lo] : s[lo] + (s[hi] - s[lo]) * frac;
}

/** Index of the first element ≥ x (lower bound) in sorted values. */
export function lowerBound(s: Float64Array, x: number, from = 0, to = s.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * PSI bin edges from the reference: its deciles (numpy's linear quantiles at 0.1 … 0.9), duplicates
 * dropped, so a heavy tie gives fewer, wider bins instead of empty ones. The bins are
 * (−∞, e1), [e1, e2), …, [ek, +∞): a value equal to an edge belongs to the bin above it.
 */
export function psiEdges(reference: Float64Array, bins = 10): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(reference, k / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** How many of the sorted values fall in each bin of edges (bins as psiEdges describes them). */
export function binCounts(sorted: Float64Array, edges: number[]): number[] {
  const counts: number[] = [];
  let start = 0;
  for (const e of edges) {
    const end = lowerBound(sorted, e, start);
    counts.push(end - start);
    start = end;
  }
  counts.push(sorted.length - start);
  return counts;
}

/** Proportions below this floor count as this floor, so an empty bin adds a large but finite term. */
export const PSI_EPSILON = 1e-4;

/** Population stability index Σ (c − r)·ln(c / r) over matching bins' proportions. */
export function psiFromCounts(reference: number[], current: number[]): number {
  const nr = reference.reduce((s, x) => s + x, 0);
  const nc = current.reduce((s, x) => s + x, 0);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i] / nr, PSI_EPSILON);
    const c = Math.max(current[i] / nc, PSI_EPSILON);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** Mean and population standard deviation (numpy's default ddof=0), two-pass for accuracy. */
export function meanStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}
