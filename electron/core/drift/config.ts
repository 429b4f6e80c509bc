// `monitors:` in strata.yaml. Field names are snake_case like the rest of the file; every omitted
// field takes its default from defaults.ts (documented in docs/drift.md).
import { z } from 'zod';
import type { DriftSettings } from '../../../shared/api/drift.js';
import { DEFAULTS, DEFAULT_DETECTORS } from './defaults.js';

const positiveInt = z.number().int().positive();
const unit = z.number().min(0).max(1);

export const monitorSchema = z
  .object({
    /**
     * the reference: a dataset version (artifact@ref), a model version (its training data), or a file;
     * by default the training data of the model version the logs name (their model and version fields)
     */
    reference: z.string().min(1, 'the reference must not be empty').optional(),
    /** the folder the deployed model writes its prediction logs to (JSONL or CSV files) */
    logs: z.string().min(1, 'the folder of prediction logs is required'),
    columns: z.array(z.string().min(1)).optional(),
    window: z
      .object({
        rows: positiveInt.default(DEFAULTS.windowRows),
        /** a column of the logs holding each row's time (ISO 8601 or epoch ms), shown on the charts */
        time_column: z.string().min(1).optional(),
        /** windows by time instead of rows: 30m, 1h, 1d … of time_column (rows in time order) */
        every: z
          .string()
          .regex(/^[1-9][0-9]*(s|m|h|d)$/, 'a duration such as 30m, 1h or 1d')
          .optional(),
      })
      .strict()
      .refine((w) => !w.every || w.time_column, {
        message: 'windows by time (every) need the time_column they are cut by',
        path: ['every'],
      })
      .default({ rows: DEFAULTS.windowRows }),
    task: z.enum(['classification', 'regression']).default('classification'),
    prediction: z.string().min(1).optional(),
    /**
     * the logged probabilities, for CBPE: a column holding the positive class's probability (binary),
     * a list of class probabilities or an object class → probability (multiclass); or a map
     * class → column, one column per class
     */
    probability: z
      .union([z.string().min(1), z.record(z.string(), z.string().min(1, 'a column name is required'))])
      .optional(),
    /** the classes a logged list of probabilities is in the order of (default: the largest is predicted) */
    classes: z
      .array(z.union([z.string(), z.number()]).transform(String))
      .min(2, 'a classifier has at least two classes')
      .optional(),
    /** the ground truth, when it is logged with the prediction */
    label: z.string().min(1).optional(),
    /** the column joining a prediction to labels that arrive later in `labels` */
    id: z.string().min(1).optional(),
    /** a folder of JSONL or CSV files holding `id` and `label` columns */
    labels: z.string().min(1).optional(),
    min_sample_size: positiveInt.default(DEFAULTS.minSampleSize),
    test_max_rows: z.number().int().min(0).default(DEFAULTS.testMaxRows),
    correction: z.enum(['fdr_bh', 'bonferroni', 'none']).default(DEFAULTS.correction),
    thresholds: z
      .object({
        alpha: unit.optional(),
        wasserstein: z.number().positive().optional(),
        jensen_shannon: unit.optional(),
        missing_share: unit.optional(),
        dataset_share: unit.optional(),
      })
      .strict()
      .default({}),
    detectors: z.array(z.enum(['ddm', 'eddm', 'adwin', 'page_hinkley'])).default(DEFAULT_DETECTORS),
    /** per detector, river's parameter names in camelCase (e.g. adwin: { delta: 0.001 }) */
    detector_params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict()
  .refine((m) => typeof m.probability !== 'object' || m.prediction, {
    message: 'a probability column per class needs the prediction column that picks one',
    path: ['probability'],
  })
  .refine((m) => !m.classes || m.prediction, {
    message: 'classes pick the predicted class out of a list of probabilities: set prediction too',
    path: ['classes'],
  })
  .refine((m) => !m.classes || typeof m.probability === 'string', {
    message: 'classes name the order of a logged list of probabilities: set probability to its column',
    path: ['classes'],
  });

export type MonitorConfig = z.output<typeof monitorSchema>;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A window duration ("30m", "1h", "1d") in milliseconds. */
export function durationMs(every: string): number {
  return Number(every.slice(0, -1)) * UNIT_MS[every.slice(-1) as keyof typeof UNIT_MS];
}

export function monitorSettings(m: MonitorConfig): Partial<DriftSettings> {
  return {
    testMaxRows: m.test_max_rows,
    correction: m.correction,
    minSampleSize: m.min_sample_size,
    alpha: m.thresholds.alpha ?? DEFAULTS.alpha,
    wassersteinThreshold: m.thresholds.wasserstein ?? DEFAULTS.wassersteinThreshold,
    jensenShannonThreshold: m.thresholds.jensen_shannon ?? DEFAULTS.jensenShannonThreshold,
    missingShareThreshold: m.thresholds.missing_share ?? DEFAULTS.missingShareThreshold,
    datasetDriftShare: m.thresholds.dataset_share ?? DEFAULTS.datasetDriftShare,
  };
}
