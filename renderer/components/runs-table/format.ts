import { formatDuration } from '../../../shared/format.js';
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
  if (col.group === 'field' && col.key === 'duration')
    return Number.isFinite(v) ? formatDuration(v * 1000) : '';
  return formatNumber(v);
}
