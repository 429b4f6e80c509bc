// Tests and distances between two categorical samples, given as counts over the same categories.
import { chi2Sf } from './special.js';

export interface Chi2Result {
  statistic: number;
  pvalue: number;
  dof: number;
  /** Yates' continuity correction was applied (scipy's default when dof = 1). */
  yates: boolean;
}

/**
 * Pearson's chi-square test of independence on the 2 × k table (reference counts, current counts),
 * as scipy.stats.chi2_contingency computes it by default: expected counts from the margins, and Yates'
 * correction (each |observed − expected| reduced by at most 0.5) when there is one degree of freedom.
 * Categories absent from both samples must not be passed (their expected count would be 0).
 */
export function chi2Contingency(reference: number[], current: number[]): Chi2Result {
  const k = reference.length;
  const nr = reference.reduce((s, x) => s + x, 0);
  const nc = current.reduce((s, x) => s + x, 0);
  const total = nr + nc;
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1, dof, yates: false };
  const yates = dof === 1;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const col = reference[i] + current[i];
    for (const [obs, rowTotal] of [
      [reference[i], nr],
      [current[i], nc],
    ]) {
      const exp = (rowTotal * col) / total;
      let diff = obs - exp;
      if (yates) diff = Math.sign(diff) * Math.max(Math.abs(diff) - 0.5, 0);
      stat += (diff * diff) / exp;
    }
  }
  return { statistic: stat, pvalue: chi2Sf(stat, dof), dof, yates };
}

function relEntr(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/**
 * Jensen–Shannon distance in base 2 (the square root of the divergence, between 0 and 1), as
 * scipy.spatial.distance.jensenshannon(p, q, base=2): both count vectors normalised to sum to 1.
 */
export function jensenShannon(reference: number[], current: number[]): number {
  const nr = reference.reduce((s, x) => s + x, 0);
  const nc = current.reduce((s, x) => s + x, 0);
  let js = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i] / nr;
    const q = current[i] / nc;
    const m = (p + q) / 2;
    js += relEntr(p, m) + relEntr(q, m);
  }
  return Math.sqrt(Math.max(js / 2, 0) / Math.LN2);
}
