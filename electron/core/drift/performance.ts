// Model quality per window: measured where labels exist, estimated from confidence where they do not,
// and the shift of the label distribution.
import type { CbpeEstimate, LabelShift, WindowPerformance } from '../../../shared/api/drift.js';
import { chi2Contingency, jensenShannon } from './stats/categorical.js';

export interface Labelled {
  prediction: string;
  label: string;
}

/** Accuracy and macro-averaged F1 over the classes seen in labels or predictions. */
export function classificationPerformance(pairs: Labelled[]): WindowPerformance {
  const classes = new Set<string>();
  let correct = 0;
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const { prediction, label } of pairs) {
    classes.add(prediction);
    classes.add(label);
    if (prediction === label) {
      correct++;
      inc(tp, label);
    } else {
      inc(fp, prediction);
      inc(fn, label);
    }
  }
  let f1 = 0;
  for (const c of classes) {
    const t = tp.get(c) ?? 0;
    const denom = 2 * t + (fp.get(c) ?? 0) + (fn.get(c) ?? 0);
    f1 += denom ? (2 * t) / denom : 0;
  }
  return {
    labelled: pairs.length,
    accuracy: pairs.length ? correct / pairs.length : undefined,
    f1: classes.size ? f1 / classes.size : undefined,
  };
}

export function regressionPerformance(pairs: Labelled[]): WindowPerformance {
  let abs = 0;
  let sq = 0;
  let n = 0;
  for (const { prediction, label } of pairs) {
    const e = Number(prediction) - Number(label);
    if (!Number.isFinite(e)) continue;
    abs += Math.abs(e);
    sq += e * e;
    n++;
  }
  return { labelled: n, mae: n ? abs / n : undefined, rmse: n ? Math.sqrt(sq / n) : undefined };
}

/**
 * Histogram-binning calibration fitted on the reference: the observed rate per score bin. Binary
 * monitors calibrate the positive-class probability (target `positive`, the rate of positive labels);
 * multiclass monitors the probability of the predicted class (target `correct`, the rate of right
 * predictions). Joints stored before the target existed are binary.
 */
export interface Calibration {
  bins: number;
  positiveRate: (number | null)[];
  target?: 'positive' | 'correct';
}

export function fitCalibration(
  scores: number[],
  positives: boolean[],
  target: 'positive' | 'correct' = 'positive',
  bins = 10,
): Calibration {
  const n = new Array<number>(bins).fill(0);
  const pos = new Array<number>(bins).fill(0);
  scores.forEach((s, i) => {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
    n[b]++;
    if (positives[i]) pos[b]++;
  });
  return { bins, positiveRate: n.map((c, b) => (c >= 10 ? pos[b] / c : null)), target };
}

function calibrated(p: number, calibration: Calibration): number {
  const b = Math.min(calibration.bins - 1, Math.floor(p * calibration.bins));
  return calibration.positiveRate[b] ?? p;
}

/** Where a monitor's logs carry the model's probabilities (strata.yaml's probability and classes). */
export interface ProbabilityFields {
  /** one column (a number, a list or an object per row), or one column per class */
  probability: string | Record<string, string>;
  /** the classes a logged list is in the order of */
  classes?: string[];
  prediction?: string;
}

/** A list or object logged as JSON text (a CSV cell) is read as the value it spells. */
function structured(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('[') && !t.startsWith('{')) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

const probabilityOf = (v: unknown): number => {
  const p = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return p >= 0 && p <= 1 ? p : NaN;
};

/**
 * One row's probabilities as CBPE reads them: `binary` with the positive class's probability (a
 * number), or `multiclass` with the probability of the class the row predicts — from a list in
 * `classes` order (without `classes`, the largest: the prediction is taken to be the most probable
 * class, as scikit-learn's predict is for its probabilistic classifiers), from an object keyed by
 * class, or from the prediction's own column. NaN where the row does not give it.
 */
export function rowProbability(
  row: Record<string, unknown>,
  f: ProbabilityFields,
): { kind: 'binary' | 'multiclass'; p: number } {
  const predicted = f.prediction ? row[f.prediction] : undefined;
  const cls = predicted === null || predicted === undefined || predicted === '' ? null : String(predicted);
  if (typeof f.probability !== 'string') {
    const column = cls === null ? undefined : f.probability[cls];
    return { kind: 'multiclass', p: column ? probabilityOf(row[column]) : NaN };
  }
  const v = structured(row[f.probability]);
  if (Array.isArray(v)) {
    if (f.classes) {
      const at = cls === null ? -1 : f.classes.indexOf(cls);
      return { kind: 'multiclass', p: at >= 0 && at < v.length ? probabilityOf(v[at]) : NaN };
    }
    const ps = v.map(probabilityOf);
    return { kind: 'multiclass', p: ps.length && !ps.some(Number.isNaN) ? Math.max(...ps) : NaN };
  }
  if (typeof v === 'object' && v !== null)
    return { kind: 'multiclass', p: cls === null ? NaN : probabilityOf((v as Record<string, unknown>)[cls]) };
  return { kind: 'binary', p: probabilityOf(v) };
}

/**
 * CBPE (NannyML's confidence-based performance estimation): each prediction is right with the
 * probability c its model gave the predicted class — max(p, 1 − p) for a binary classifier's
 * (calibrated) positive-class score p, the predicted class's probability for a multiclass one — so the
 * expected accuracy is the mean of c. The rows being independent Bernoulli trials, the realised
 * accuracy has standard error √Σ c(1 − c) / n around it; the band is ±1.96 of those. A window whose
 * rows give multiclass probabilities is estimated from those rows alone.
 */
export function cbpe(
  rows: Record<string, unknown>[],
  fields: ProbabilityFields,
  calibration: Calibration | null,
): CbpeEstimate | null {
  const read = rows.map((r) => rowProbability(r, fields));
  const kind = read.some((x) => x.kind === 'multiclass') ? 'multiclass' : 'binary';
  const usable = (kind === 'binary' ? 'positive' : 'correct') === (calibration?.target ?? 'positive');
  const cal = usable ? calibration : null;
  let sum = 0;
  let varSum = 0;
  let n = 0;
  for (const { kind: k, p: raw } of read) {
    if (k !== kind || Number.isNaN(raw)) continue;
    let c: number;
    if (kind === 'binary') {
      const p = cal ? calibrated(raw, cal) : raw;
      c = Math.max(p, 1 - p);
    } else c = cal ? calibrated(raw, cal) : raw;
    sum += c;
    varSum += c * (1 - c);
    n++;
  }
  if (n === 0) return null;
  const accuracy = sum / n;
  const stderr = Math.sqrt(varSum) / n;
  return {
    method: 'cbpe',
    classes: kind,
    rows: n,
    accuracy,
    stderr,
    low: Math.max(0, accuracy - 1.96 * stderr),
    high: Math.min(1, accuracy + 1.96 * stderr),
    calibrated: cal !== null,
  };
}

/** Solves A x = b by Gaussian elimination with partial pivoting; null when A is singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (Math.abs(M[p][c]) < 1e-12) return null;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/**
 * Black-box shift estimation (Lipton, Wang & Smola 2018): with the reference's joint distribution of
 * (prediction, label) C and the current predictions' distribution q, the label weights w solve C·w = q;
 * the current label distribution is w times the reference's. Negative weights are clipped to 0 and the
 * result renormalised.
 */
export function bbse(
  confusion: Record<string, Record<string, number>>,
  currentPredictions: Record<string, number>,
): Record<string, number> | null {
  const labels = Object.keys(confusion);
  if (labels.length < 2) return null;
  let total = 0;
  for (const l of labels) for (const p of labels) total += confusion[l][p] ?? 0;
  const nCur = labels.reduce((s, p) => s + (currentPredictions[p] ?? 0), 0);
  if (total === 0 || nCur === 0) return null;
  // C[i][j] = P(prediction = i, label = j) on the reference.
  const C = labels.map((p) => labels.map((l) => (confusion[l][p] ?? 0) / total));
  const q = labels.map((p) => (currentPredictions[p] ?? 0) / nCur);
  const w = solve(C, q);
  if (!w) return null;
  const refLabel = labels.map((l) => labels.reduce((s, p) => s + (confusion[l][p] ?? 0), 0) / total);
  const est = w.map((x, i) => Math.max(0, x) * refLabel[i]);
  const sum = est.reduce((s, x) => s + x, 0);
  if (sum === 0) return null;
  return Object.fromEntries(labels.map((l, i) => [l, est[i] / sum]));
}

/** Label proportions of the window against the reference's (when its labels have arrived), and BBSE. */
export function labelShift(
  column: string,
  reference: Record<string, number>,
  current: Record<string, number> | null,
  estimate: Record<string, number> | null,
): LabelShift | null {
  if (!current && !estimate) return null;
  const out: LabelShift = { column, chi2: null, jensenShannon: null, reference, current, bbse: estimate };
  if (!current) return out;
  const values = [...new Set([...Object.keys(reference), ...Object.keys(current)])];
  const r = values.map((v) => reference[v] ?? 0);
  const c = values.map((v) => current[v] ?? 0);
  if (r.every((x) => x === 0) || c.every((x) => x === 0)) return out;
  out.chi2 = { method: 'chi2_contingency', ...chi2Contingency(r, c), adjustedPvalue: null };
  out.jensenShannon = { method: 'jensen_shannon', distance: jensenShannon(r, c), base: 2 };
  return out;
}
