import type { CheckResult, ReportStatus } from '../../../shared/api/index.js';

export const num = (n: number): string =>
  Math.abs(n) >= 1e5 || (n !== 0 && Math.abs(n) < 1e-3)
    ? n.toExponential(2)
    : String(Math.round(n * 1000) / 1000);

/** A failing warn-level check shows as a warning, as the report's status counts it. */
export const checkStatus = (c: CheckResult): ReportStatus | 'skipped' =>
  c.status === 'fail' && c.severity === 'warn' ? 'warn' : c.status === 'skipped' ? 'skipped' : c.status;

export const sampleLine = (values: Record<string, unknown>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
