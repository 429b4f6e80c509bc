import { z } from 'zod';
import { returns } from './define.js';
import type { ErrorLocation } from '../errors.js';
import type { TableProfile } from './stats.js';

export type Severity = 'error' | 'warn';
/** skipped: the check needs a reference version that does not exist (the first version), and says so */
export type CheckStatus = 'pass' | 'fail' | 'skipped' | 'error';
/** error: the data or the rules could not be used (unreadable file, rule naming a missing column) */
export type ReportStatus = 'pass' | 'warn' | 'fail' | 'error';

export interface FailingRow {
  /** 1-based data row (the header is not counted) */
  row: number;
  values: Record<string, unknown>;
}

export interface CheckResult {
  /** position of the rule in its entry's list, or -1 for the entry's `columns` check */
  rule: number;
  kind: string;
  /** what is checked, for people: "age between 0 and 120" */
  label: string;
  column: string | null;
  severity: Severity;
  status: CheckStatus;
  /** rows (or values, files) that fail; 0 when it passes */
  failing: number;
  /** what failing is counted out of */
  total: number;
  /** the measured value for aggregate checks (a mean, a row count, a PSI) */
  observed: number | string | null;
  /** the reference version's value, for checks against one */
  expected: number | string | null;
  message: string;
  /** up to SAMPLE_ROWS failing rows, in file order */
  samples: FailingRow[];
  /** where the rule is written in strata.yaml */
  where: ErrorLocation | null;
}

export interface FileReport {
  path: string;
  format: string;
  rows: number | null;
  columns: { name: string; type: string }[];
  /** why the file could not be read; then checks is empty */
  error: string | null;
  checks: CheckResult[];
}

export interface ValidationReport {
  id: number;
  /** the entry's name under validations: in strata.yaml */
  name: string;
  artifact: string;
  version: number;
  reference: number | null;
  rulesHash: string;
  status: ReportStatus;
  counts: { passed: number; warned: number; failed: number; skipped: number; errors: number };
  files: FileReport[];
  /** file-level rules of a folder: count, sizes, extensions, required names */
  fileChecks: CheckResult[];
  createdAt: string;
  durationMs: number;
  /** true when an earlier identical validation (same content, same rules) was returned */
  cached: boolean;
}

export interface ValidationSummary {
  id: number;
  name: string;
  artifact: string;
  version: number;
  status: ReportStatus;
  counts: ValidationReport['counts'];
  createdAt: string;
}

export interface ValidationEntryInfo {
  name: string;
  artifact: string;
  include: string | null;
  ruleCount: number;
  /** the newest stored report of each version, newest version first */
  versions: { version: number; report: ValidationSummary | null }[];
}

export interface CheckTrend {
  label: string;
  severity: Severity;
  /** oldest version first */
  points: { version: number; status: CheckStatus; failing: number; observed: number | string | null }[];
}

export interface ProfileView {
  path: string;
  profile: TableProfile | null;
  reference: TableProfile | null;
  referenceVersion: number | null;
  error: string | null;
}

export const SAMPLE_ROWS = 5;

const spec = z.string().min(1);

export const validationCalls = {
  /** Validates versions against their rules: one artifact[@ref] (default latest), or every entry's latest. */
  'validation.run': {
    params: z.object({ target: spec.optional(), force: z.boolean().default(false) }),
    result: returns<ValidationReport[]>(),
  },
  'validation.list': { params: z.object({}), result: returns<ValidationEntryInfo[]>() },
  'validation.report': { params: z.object({ id: z.number().int() }), result: returns<ValidationReport>() },
  /** Per-file column profiles of a version, with the reference version's beside them. */
  'validation.profiles': {
    params: z.object({ name: spec, version: z.number().int() }),
    result: returns<ProfileView[]>(),
  },
  'validation.trend': { params: z.object({ name: spec }), result: returns<CheckTrend[]>() },
  /** A report with its profiles as one self-contained HTML page (inline CSS and SVG, no scripts, no network). */
  'validation.html': {
    params: z.object({ id: z.number().int() }),
    result: returns<{ html: string; fileName: string }>(),
  },
  /** Rules proposed from a version; written into strata.yaml (comments kept) when write is set. */
  'validation.infer': {
    params: z.object({ target: spec, name: spec.optional(), write: z.boolean().default(false) }),
    result: returns<{ name: string; yaml: string; written: boolean }>(),
  },
};
