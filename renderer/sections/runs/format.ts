import type { ParamValue, RunSummary } from '../../../shared/api/index.js';

import { formatDuration as duration } from '../../../shared/format.js';

export { duration };

export const runDuration = (r: RunSummary, now = Date.now()) => duration((r.endedAt ?? now) - r.startedAt);

export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(4)));
}

/** Params are stored as JSON text; strings lose their quotes for display. */
export function paramText(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
