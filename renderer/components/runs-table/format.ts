import { cellValue, type Column } from './table.js';

/** Six significant digits: enough to tell runs apart, short enough for a column. The full value is in the cell's title. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} m ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

const pad = (n: number) => String(n).padStart(2, '0');
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatCell(col: Column, row: number): string {
  const v = cellValue(col, row);
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (col.kind === 'time') return formatTime(v);
  if (col.group === 'field' && col.key === 'duration') return formatDuration(v);
  return formatNumber(v);
}
