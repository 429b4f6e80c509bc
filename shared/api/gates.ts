import { z } from 'zod';
import { returns } from './define.js';
import type { ErrorLocation } from '../errors.js';

export type GateStatus = 'pass' | 'fail' | 'skipped' | 'error';

export interface GateResult {
  /** the metric key judged: a slice pattern (accuracy/region=*) yields one result per recorded slice */
  metric: string;
  /** what is required, for people: "accuracy ≥ 0.8", "accuracy not worse than the champion by more than 0.01" */
  label: string;
  kind: 'value' | 'change';
  status: GateStatus;
  value: number | null;
  champion: number | null;
  message: string;
  where: ErrorLocation | null;
}

export interface GateOverride {
  alias: string;
  reason: string;
  who: string;
  at: string;
  /** the failing gates at the time, as they were reported */
  failures: GateResult[];
}

export interface GateReport {
  artifact: string;
  version: number;
  runId: string | null;
  /** the version the champion alias points at, if any */
  champion: number | null;
  /** error: the version cannot be judged (no run recorded it, so no metrics) */
  status: 'pass' | 'fail' | 'error' | 'none';
  gates: GateResult[];
  overrides: GateOverride[];
}

export const gateCalls = {
  /** Judges a model version against its gates in strata.yaml and the current champion. */
  'gates.check': { params: z.object({ target: z.string().min(1) }), result: returns<GateReport>() },
  /** Every version of an artifact with its gate status, newest first (for the Models screen). */
  'gates.list': { params: z.object({ artifact: z.string().min(1) }), result: returns<GateReport[]>() },
  /** A version's gate report as one self-contained HTML page. */
  'gates.html': {
    params: z.object({ target: z.string().min(1) }),
    result: returns<{ html: string; fileName: string }>(),
  },
  /** The latest version of every artifact with gates, judged (for the Validation screen). */
  'gates.overview': { params: z.object({}), result: returns<GateReport[]>() },
};
