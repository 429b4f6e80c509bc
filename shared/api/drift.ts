import { z } from 'zod';
import { returns } from './define.js';

/** One statistic as the JSON reports it: what was computed, how, and with which parameters. */
export interface KsStat {
  method: 'ks_2samp';
  statistic: number;
  pvalue: number;
  /** 'exact' up to 10,000 values per side, as scipy's method='auto' */
  mode: 'exact' | 'asymp';
  /** p-value after the multiple-testing correction, when the column was judged by it */
  adjustedPvalue: number | null;
}
export interface WassersteinStat {
  method: 'wasserstein_1';
  distance: number;
  /** distance / reference std (numpy ddof=0); null when the reference is constant */
  normalised: number | null;
  referenceStd: number;
}
export interface PsiStat {
  method: 'psi';
  value: number;
  /** 'reference_deciles' for numbers (edges at the reference's deciles), 'categories' for categories */
  binning: 'reference_deciles' | 'categories';
  bins: number;
  epsilon: number;
}
export interface Chi2Stat {
  method: 'chi2_contingency';
  statistic: number;
  pvalue: number;
  dof: number;
  yates: boolean;
  adjustedPvalue: number | null;
}
export interface JsStat {
  method: 'jensen_shannon';
  distance: number;
  base: 2;
}

export type ColumnStatus =
  'ok' | 'drift' | 'not_enough_data' | 'missing_in_current' | 'missing_in_reference' | 'empty';

/** What decided the column's verdict, in the form the timeline charts draw: value against threshold. */
export interface Verdict {
  method: 'ks_2samp' | 'chi2_contingency' | 'wasserstein_1' | 'jensen_shannon' | 'psi' | 'missing_share';
  value: number;
  threshold: number;
  /** p-values drift when below the threshold, distances when above */
  driftWhen: 'below' | 'above';
}

export interface SideSummary {
  rows: number;
  /** non-missing values */
  count: number;
  missing: number;
  missingShare: number;
}

export interface ColumnDrift {
  name: string;
  kind: 'numeric' | 'categorical';
  status: ColumnStatus;
  /** a person-readable reason for every status but 'ok' */
  message: string | null;
  verdict: Verdict | null;
  reference: SideSummary | null;
  current: SideSummary | null;
  missingShareChange: number | null;
  ks?: KsStat;
  wasserstein?: WassersteinStat;
  psi?: PsiStat;
  chi2?: Chi2Stat;
  jensenShannon?: JsStat;
  /** categories seen only in the current sample / only in the reference */
  newCategories?: string[];
  vanishedCategories?: string[];
  /** for the overlay charts: a common histogram (numbers) or the most frequent categories */
  histogram?: { edges: number[]; reference: number[]; current: number[] };
  categories?: { value: string; reference: number; current: number }[];
  /** the column holds numbers and text: compared as categories over its spellings */
  mixed?: boolean;
}

export interface DriftSettings {
  testMaxRows: number;
  alpha: number;
  correction: 'fdr_bh' | 'bonferroni' | 'none';
  wassersteinThreshold: number;
  jensenShannonThreshold: number;
  psiBins: number;
  missingShareThreshold: number;
  datasetDriftShare: number;
  minSampleSize: number;
}

export interface DriftReport {
  reference: { label: string; rows: number };
  current: { label: string; rows: number };
  columns: ColumnDrift[];
  /** columns that were judged (not missing on a side, enough data) */
  judged: number;
  drifted: number;
  share: number;
  /** the dataset-level verdict: share of drifted columns ≥ settings.datasetDriftShare */
  datasetDrift: boolean;
  /** any column drifted: what raises a monitor's alert */
  alert: boolean;
  settings: DriftSettings;
  computedMs: number;
}

export type DetectorName = 'ddm' | 'eddm' | 'adwin' | 'page_hinkley';

export interface MalformedLine {
  file: string;
  line: number;
  reason: string;
}

export interface WindowSummary {
  index: number;
  firstRow: number;
  rows: number;
  /** first and last value of the monitor's time column, when it has one */
  from: string | null;
  to: string | null;
  report: DriftReport;
  performance: WindowPerformance | null;
  estimated: CbpeEstimate | null;
  labelShift: LabelShift | null;
}

export interface WindowPerformance {
  labelled: number;
  /** classification */
  accuracy?: number;
  f1?: number;
  /** regression */
  mae?: number;
  rmse?: number;
}

/** Confidence-based performance estimation: expected accuracy from the logged probabilities. */
export interface CbpeEstimate {
  method: 'cbpe';
  /** binary: from the positive class's probability; multiclass: from the predicted class's */
  classes?: 'binary' | 'multiclass';
  /** rows the estimate is over (those whose probabilities could be read) */
  rows?: number;
  accuracy: number;
  /** standard error of the estimate (Poisson-binomial) and a 95% interval */
  stderr: number;
  low: number;
  high: number;
  /** probabilities recalibrated on the reference's labels (histogram binning), or used as logged */
  calibrated: boolean;
}

export interface LabelShift {
  column: string;
  /** null until labels of this window arrive */
  chi2: Chi2Stat | null;
  jensenShannon: JsStat | null;
  reference: Record<string, number>;
  current: Record<string, number> | null;
  /** black-box shift estimate of the current label proportions, from predictions and the reference confusion matrix */
  bbse: Record<string, number> | null;
}

export interface Detection {
  detector: DetectorName;
  /** position in the labelled stream, and the window it falls in */
  item: number;
  window: number;
}

export interface MonitorState {
  name: string;
  reference: string;
  source: string;
  columns: string[] | null;
  windows: WindowSummary[];
  detections: Detection[];
  detectors: DetectorName[];
  malformed: { count: number; first: MalformedLine[] };
  /** files seen but not read yet because they were still being written */
  unsettled: string[];
  /** FIFOs, sockets and devices named like log files in the logs or labels folder: never read */
  special: { file: string; kind: string }[];
  /** rows waiting for their window to fill */
  pendingRows: number;
  /** labels received, and predictions still waiting for theirs */
  labels: { joined: number; waiting: number };
  alert: boolean;
  lastRunAt: string | null;
  error: string | null;
}

/** A drift report's content: the monitor's state without what describes the moment of asking. */
export type DriftReportContent = Omit<
  MonitorState,
  'lastRunAt' | 'error' | 'unsettled' | 'special' | 'windows'
> & {
  format: string;
  windows: (Omit<WindowSummary, 'report'> & { report: Omit<DriftReport, 'computedMs'> })[];
};

/** One file of a drift report: its name carries the start of the sha256 of its text. */
export interface DriftReportFile {
  fileName: string;
  text: string;
  sha256: string;
}

export interface MonitorSummary {
  name: string;
  reference: string;
  source: string;
  windows: number;
  alert: boolean;
  driftedColumns: string[];
  lastRunAt: string | null;
  error: string | null;
}

export interface DriftAlert {
  monitor: string;
  window: number;
  columns: string[];
  detections: DetectorName[];
  at: string;
}

const spec = z.string().min(1, 'a dataset version (artifact@ref) or a file path is required');

export const driftCalls = {
  /** Compares two dataset versions (or files), every column. */
  'drift.compare': {
    params: z
      .object({ reference: spec, current: spec, columns: z.array(z.string().min(1)).optional() })
      .strict(),
    result: returns<DriftReport>(),
  },
  'drift.monitors': { params: z.object({}).strict(), result: returns<MonitorSummary[]>() },
  /** A monitor's windows, detections and state; runs it first when `run` is set. */
  'drift.monitor': {
    params: z.object({ name: z.string().min(1), run: z.boolean().default(false) }).strict(),
    result: returns<MonitorState>(),
  },
  /**
   * The monitor's drift report: its data as canonical JSON and one self-contained HTML page, each
   * named by the sha256 of its bytes (the same windows give the same files).
   */
  'drift.report': {
    params: z.object({ name: z.string().min(1) }).strict(),
    result: returns<{ json: DriftReportFile; html: DriftReportFile }>(),
  },
};
