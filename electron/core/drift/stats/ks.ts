// Two-sample Kolmogorov–Smirnov test, two-sided, with scipy.stats.ks_2samp's default method='auto':
// the exact null distribution when both samples have at most 10,000 values, otherwise the
// distribution of the one-sample statistic D_en for the effective size en = round(n1·n2/(n1+n2)).
// Inputs are sorted arrays without NaN; equal values are ties, as scipy's searchsorted treats them.
import { kolmogorovSmirnovSf } from './kolmogorov.js';
import { roundHalfEven } from './special.js';
import { ecdfGaps } from './ecdf.js';

/** scipy's MAX_AUTO_N: above it 'auto' switches from the exact distribution to the asymptotic one. */
export const KS_EXACT_MAX_N = 10000;

export interface KsResult {
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymp';
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D ≥ h/n) for two samples of equal size n: the alternating reflection sum, each term a product. */
function exactEqualSizes(n: number, h: number): number {
  // A_k = C(2n, n − kh) / C(2n, n) = Π_{i=1..kh} (n − i + 1)/(n + i); P = 2 Σ_k (−1)^{k−1} A_k.
  let p = 0;
  let prod = 1;
  let sign = 1;
  for (let k = 1; k * h <= n; k++) {
    for (let i = (k - 1) * h + 1; i <= k * h; i++) prod *= (n - i + 1) / (n + i);
    p += sign * prod;
    sign = -sign;
    if (prod === 0) break;
  }
  return 2 * p;
}

/**
 * P(D ≥ h/lcm) for sizes m ≠ n by Hodges' lattice-path "inside" method, written as Viehmann's (2021)
 * recursion for one minus the proportion of paths that stay strictly inside |x/m − y/n| < h/lcm, which
 * stays accurate in the far tail. One column of the path-count table is kept, in a sliding window.
 */
function exactUnequalSizes(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/**
 * Two-sided two-sample KS test on sorted samples. Throws on an empty sample. `statistic` may be given
 * when the caller has already merged the samples (ecdfGaps).
 */
export function ks2samp(a: Float64Array, b: Float64Array, statistic?: number): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('ks2samp needs two non-empty samples');
  let d = statistic ?? ecdfGaps(a, b).ks;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    // The exact distribution lives on multiples of 1/lcm; scipy reports the statistic snapped to them.
    d = h / lcm;
    if (h === 0) return { statistic: d, pvalue: 1, method: 'exact' };
    const p = n1 === n2 ? exactEqualSizes(n1, h) : exactUnequalSizes(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: d, pvalue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = roundHalfEven((m * n) / (m + n));
  const p = kolmogorovSmirnovSf(en, d);
  return { statistic: d, pvalue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}
