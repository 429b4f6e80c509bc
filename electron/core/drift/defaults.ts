// Every default of drift monitoring, in one place; docs/drift.md gives the reasoning for each.
import type { DetectorName } from './detectors.js';

export const DEFAULTS = {
  /**
   * Up to this many values on the smaller side a column is judged by a test's p-value; above it, by a
   * distance. A p-value answers "is there any difference", and on large samples every real-world
   * column has one, so tests would flag everything; a distance answers "is the difference large".
   */
  testMaxRows: 1000,
  /** Significance level of the p-value tests (KS for numbers, chi-square for categories). */
  alpha: 0.05,
  /** Multiple-testing correction over the columns judged by p-value: Benjamini–Hochberg FDR. */
  correction: 'fdr_bh' as 'fdr_bh' | 'bonferroni' | 'none',
  /** Wasserstein-1 divided by the reference std above which a numeric column has drifted. */
  wassersteinThreshold: 0.1,
  /** Jensen–Shannon distance (base 2) above which a categorical column has drifted. */
  jensenShannonThreshold: 0.1,
  /** PSI is reported, not judged by default; 0.1 / 0.25 are the usual "moderate" / "major" marks. */
  psiBins: 10,
  /** A change of the missing-value share by more than this (absolute) is drift on its own. */
  missingShareThreshold: 0.1,
  /** Share of drifted columns at or above which the dataset as a whole has drifted. */
  datasetDriftShare: 0.5,
  /** Fewer non-missing values than this in the current sample: "not enough data", never an alert. */
  minSampleSize: 100,
  /** Rows per window of a prediction log. */
  windowRows: 10000,
  /** A log file is read once its size and mtime have not changed for this long. */
  settleMs: 2000,
};

/**
 * Concept-drift detectors a monitor runs when it names none. Each detector keeps river's defaults; only
 * ADWIN is on by default because, measured on stationary 0/1 error streams of 100,000 items
 * (docs/drift.md), river's DDM, EDDM and Page-Hinkley defaults raise false alarms while ADWIN does not.
 */
export const DEFAULT_DETECTORS: DetectorName[] = ['adwin'];
