// Compares a current sample's profile with the reference's, column by column, and gives the
// dataset-level verdict. Every statistic is computed for every column it applies to; which one decides
// a column's verdict follows the settings (docs/drift.md says why).
import type {
  ColumnDrift,
  DriftReport,
  DriftSettings,
  SideSummary,
  Verdict,
} from '../../../shared/api/drift.js';
import { DEFAULTS } from './defaults.js';
import type { CategoricalProfile, ColumnProfile, NumericProfile, Profile } from './profile.js';
import { chi2Contingency, jensenShannon } from './stats/categorical.js';
import { ecdfGaps } from './stats/ecdf.js';
import { ks2samp } from './stats/ks.js';
import { binCounts, PSI_EPSILON, psiEdges, psiFromCounts, quantileSorted } from './stats/numeric.js';

export const defaultSettings: DriftSettings = {
  testMaxRows: DEFAULTS.testMaxRows,
  alpha: DEFAULTS.alpha,
  correction: DEFAULTS.correction,
  wassersteinThreshold: DEFAULTS.wassersteinThreshold,
  jensenShannonThreshold: DEFAULTS.jensenShannonThreshold,
  psiBins: DEFAULTS.psiBins,
  missingShareThreshold: DEFAULTS.missingShareThreshold,
  datasetDriftShare: DEFAULTS.datasetDriftShare,
  minSampleSize: DEFAULTS.minSampleSize,
};

const HISTOGRAM_BINS = 30;
const TOP_CATEGORIES = 20;

function side(c: ColumnProfile): SideSummary {
  const count = c.rows - c.missing;
  return { rows: c.rows, count, missing: c.missing, missingShare: c.rows ? c.missing / c.rows : 0 };
}

function blank(name: string, kind: ColumnDrift['kind']): ColumnDrift {
  return {
    name,
    kind,
    status: 'ok',
    message: null,
    verdict: null,
    reference: null,
    current: null,
    missingShareChange: null,
  };
}

/** A histogram both samples share: equal-width bins over the middle 99% of both, ends clamped in. */
function overlay(ref: Float64Array, cur: Float64Array): NonNullable<ColumnDrift['histogram']> {
  const lo = Math.min(quantileSorted(ref, 0.005), quantileSorted(cur, 0.005));
  const hi = Math.max(quantileSorted(ref, 0.995), quantileSorted(cur, 0.995));
  const width = hi > lo ? (hi - lo) / HISTOGRAM_BINS : 1;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => lo + i * width);
  const count = (s: Float64Array) => {
    const inner = binCounts(s, edges.slice(1, -1));
    return inner.map((c) => c / s.length);
  };
  return { edges, reference: count(ref), current: count(cur) };
}

function numericColumn(ref: NumericProfile, cur: NumericProfile, s: DriftSettings): ColumnDrift {
  const out = blank(ref.name, 'numeric');
  out.reference = side(ref);
  out.current = side(cur);
  out.missingShareChange = out.current.missingShare - out.reference.missingShare;
  const a = ref.sorted;
  const b = cur.sorted;
  if (a.length === 0 || b.length === 0) return out;
  const gaps = ecdfGaps(a, b);
  const ks = ks2samp(a, b, gaps.ks);
  out.ks = {
    method: 'ks_2samp',
    statistic: ks.statistic,
    pvalue: ks.pvalue,
    mode: ks.method,
    adjustedPvalue: null,
  };
  const w = gaps.wasserstein;
  out.wasserstein = {
    method: 'wasserstein_1',
    distance: w,
    normalised: ref.std > 0 ? w / ref.std : w === 0 ? 0 : null,
    referenceStd: ref.std,
  };
  const edges = psiEdges(a, s.psiBins);
  out.psi = {
    method: 'psi',
    value: psiFromCounts(binCounts(a, edges), binCounts(b, edges)),
    binning: 'reference_deciles',
    bins: edges.length + 1,
    epsilon: PSI_EPSILON,
  };
  out.histogram = overlay(a, b);
  return out;
}

function categoricalColumn(ref: CategoricalProfile, cur: CategoricalProfile): ColumnDrift {
  const out = blank(ref.name, 'categorical');
  out.reference = side(ref);
  out.current = side(cur);
  out.missingShareChange = out.current.missingShare - out.reference.missingShare;
  out.mixed = ref.mixed || cur.mixed || undefined;
  const values = [...new Set([...Object.keys(ref.counts), ...Object.keys(cur.counts)])];
  const r = values.map((v) => ref.counts[v] ?? 0);
  const c = values.map((v) => cur.counts[v] ?? 0);
  out.newCategories = values.filter((v) => !ref.counts[v]);
  out.vanishedCategories = values.filter((v) => !cur.counts[v]);
  const nr = r.reduce((x, y) => x + y, 0);
  const nc = c.reduce((x, y) => x + y, 0);
  if (nr === 0 || nc === 0) return out;
  const chi = chi2Contingency(r, c);
  out.chi2 = { method: 'chi2_contingency', ...chi, adjustedPvalue: null };
  out.jensenShannon = { method: 'jensen_shannon', distance: jensenShannon(r, c), base: 2 };
  out.psi = {
    method: 'psi',
    value: psiFromCounts(r, c),
    binning: 'categories',
    bins: values.length,
    epsilon: PSI_EPSILON,
  };
  out.categories = values
    .map((v, i) => ({ value: v, reference: r[i] / nr, current: c[i] / nc }))
    .sort((x, y) => Math.max(y.reference, y.current) - Math.max(x.reference, x.current))
    .slice(0, TOP_CATEGORIES);
  return out;
}

/** Adjusted p-values, in the order given (Benjamini–Hochberg step-up, or Bonferroni). */
export function adjustPvalues(p: number[], method: DriftSettings['correction']): number[] {
  const m = p.length;
  if (method === 'none' || m === 0) return p.slice();
  if (method === 'bonferroni') return p.map((x) => Math.min(1, x * m));
  const order = p.map((_, i) => i).sort((i, j) => p[i] - p[j]);
  const out = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    running = Math.min(running, (p[i] * m) / (k + 1));
    out[i] = running;
  }
  return out;
}

function decide(cols: ColumnDrift[], s: DriftSettings): void {
  const tested: { col: ColumnDrift; p: number }[] = [];
  for (const col of cols) {
    if (col.status !== 'ok' || !col.reference || !col.current) continue;
    if (col.current.count < s.minSampleSize) {
      col.status = 'not_enough_data';
      col.message = `${col.current.count} values in the current sample; at least ${s.minSampleSize} are needed`;
      continue;
    }
    if (col.reference.count === 0) {
      col.status = 'empty';
      col.message = 'every reference value is missing';
      continue;
    }
    const small = Math.min(col.reference.count, col.current.count) <= s.testMaxRows;
    if (small && (col.ks || col.chi2)) {
      tested.push({ col, p: (col.ks ?? col.chi2)!.pvalue });
    } else if (col.wasserstein) {
      const v = col.wasserstein.normalised ?? Infinity;
      col.verdict = {
        method: 'wasserstein_1',
        value: v,
        threshold: s.wassersteinThreshold,
        driftWhen: 'above',
      };
    } else if (col.jensenShannon) {
      col.verdict = {
        method: 'jensen_shannon',
        value: col.jensenShannon.distance,
        threshold: s.jensenShannonThreshold,
        driftWhen: 'above',
      };
    }
  }
  const adjusted = adjustPvalues(
    tested.map((t) => t.p),
    s.correction,
  );
  tested.forEach(({ col }, i) => {
    const stat = col.ks ?? col.chi2!;
    stat.adjustedPvalue = adjusted[i];
    col.verdict = {
      method: col.ks ? 'ks_2samp' : 'chi2_contingency',
      value: adjusted[i],
      threshold: s.alpha,
      driftWhen: 'below',
    };
  });
  for (const col of cols) {
    if (col.status !== 'ok') continue;
    const v = col.verdict;
    const byStat = v !== null && (v.driftWhen === 'above' ? v.value > v.threshold : v.value < v.threshold);
    const byMissing = Math.abs(col.missingShareChange ?? 0) > s.missingShareThreshold;
    if (byMissing && !byStat)
      col.verdict = {
        method: 'missing_share',
        value: Math.abs(col.missingShareChange!),
        threshold: s.missingShareThreshold,
        driftWhen: 'above',
      };
    if (byStat || byMissing) {
      col.status = 'drift';
      col.message = describe(col.verdict!);
    }
  }
}

function describe(v: Verdict): string {
  const names: Record<Verdict['method'], string> = {
    ks_2samp: 'KS p-value (adjusted)',
    chi2_contingency: 'chi-square p-value (adjusted)',
    wasserstein_1: 'Wasserstein distance / reference std',
    jensen_shannon: 'Jensen–Shannon distance',
    psi: 'PSI',
    missing_share: 'change of the missing share',
  };
  const fmt = (x: number) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(3));
  return `${names[v.method]} ${fmt(v.value)} ${v.driftWhen === 'above' ? '>' : '<'} ${fmt(v.threshold)}`;
}

/** Every statistic of the named columns, before any verdict (which needs every column: FDR, share). */
export function columnStatistics(
  reference: Profile,
  current: Profile,
  names: string[],
  settings: Partial<DriftSettings> = {},
): ColumnDrift[] {
  const s = { ...defaultSettings, ...settings };
  const refCols = new Map(reference.columns.map((c) => [c.name, c]));
  const curCols = new Map(current.columns.map((c) => [c.name, c]));
  return names.map((name) => {
    const r = refCols.get(name);
    const c = curCols.get(name);
    if (!r && !c) {
      const col = blank(name, 'numeric');
      col.status = 'missing_in_reference';
      col.message = 'no such column on either side';
      return col;
    }
    if (!r || !c) {
      const col = blank(name, (r ?? c)!.kind);
      col.status = r ? 'missing_in_current' : 'missing_in_reference';
      col.message = r ? 'the current sample has no such column' : 'a new column: the reference has none';
      col.reference = r ? side(r) : null;
      col.current = c ? side(c) : null;
      return col;
    }
    if (r.kind === 'numeric' && c.kind === 'numeric') return numericColumn(r, c, s);
    // A column that is numeric on one side and text on the other is compared as text on both.
    return categoricalColumn(asCategorical(r), asCategorical(c));
  });
}

/** Every column's name on either side, reference order first. */
export function columnNames(
  reference: { columns: { name: string }[] },
  current: { columns: { name: string }[] },
): string[] {
  return [...new Set([...reference.columns.map((c) => c.name), ...current.columns.map((c) => c.name)])];
}

/** The verdicts of columns whose statistics are computed, and the dataset-level verdict. */
export function finishReport(
  out: ColumnDrift[],
  rows: { reference: number; current: number },
  labels: { reference: string; current: string },
  settings: Partial<DriftSettings>,
  started: number,
): DriftReport {
  const s = { ...defaultSettings, ...settings };
  decide(out, s);
  // A column gone from the current data is a drift of the schema; a new one is reported only.
  for (const col of out) if (col.status === 'missing_in_current') col.verdict = null;
  const judged = out.filter(
    (c) => c.status === 'ok' || c.status === 'drift' || c.status === 'missing_in_current',
  );
  const drifted = judged.filter((c) => c.status === 'drift' || c.status === 'missing_in_current').length;
  const share = judged.length ? drifted / judged.length : 0;
  return {
    reference: { label: labels.reference, rows: rows.reference },
    current: { label: labels.current, rows: rows.current },
    columns: out,
    judged: judged.length,
    drifted,
    share,
    datasetDrift: judged.length > 0 && share >= s.datasetDriftShare,
    alert: drifted > 0,
    settings: s,
    computedMs: performance.now() - started,
  };
}

/** The drift report of `current` against `reference`, over `columns` (default: every column of either). */
export function compareProfiles(
  reference: Profile,
  current: Profile,
  labels: { reference: string; current: string },
  settings: Partial<DriftSettings> = {},
  columns?: string[],
): DriftReport {
  const started = performance.now();
  const out = columnStatistics(reference, current, columns ?? columnNames(reference, current), settings);
  return finishReport(out, { reference: reference.rows, current: current.rows }, labels, settings, started);
}

function asCategorical(c: ColumnProfile): CategoricalProfile {
  if (c.kind === 'categorical') return c;
  const counts: Record<string, number> = {};
  for (const v of c.sorted) {
    const k = String(v);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { name: c.name, kind: 'categorical', rows: c.rows, missing: c.missing, counts, mixed: true };
}
