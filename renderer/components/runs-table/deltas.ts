export interface Delta {
  abs: number;
  /** null when the baseline is 0 (a percentage of nothing means nothing) */
  pct: number | null;
}

/** Change from the pinned baseline; null when either side is missing or not a finite number. */
export function delta(value: number | null, base: number | null): Delta | null {
  if (value === null || base === null || !Number.isFinite(value) || !Number.isFinite(base)) return null;
  const abs = value - base;
  return { abs, pct: base === 0 ? null : (abs / Math.abs(base)) * 100 };
}

function signed(n: number, digits: number): string {
  const s =
    Math.abs(n) >= 1e5 || (n !== 0 && Math.abs(n) < 1e-3)
      ? Math.abs(n).toExponential(2)
      : Number(Math.abs(n).toPrecision(digits)).toString();
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${s}`;
}

export function formatDelta(d: Delta): string {
  const pct = d.pct === null ? '' : ` (${signed(d.pct, 3)}%)`;
  return `${signed(d.abs, 4)}${pct}`;
}
