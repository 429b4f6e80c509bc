import { cellValue, type Column } from './table.js';

function field(v: string): string {
  return /[",\n\r]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Times are written as ISO 8601 and numbers in full precision, so a spreadsheet reads back exactly what the database holds. */
export function formatForCsv(col: Column, row: number): string {
  const v = cellValue(col, row);
  if (v === null) return '';
  if (col.kind === 'time' && typeof v === 'number') return new Date(v).toISOString();
  return field(String(v));
}

export function headerOf(col: Column): string {
  return col.group === 'field' ? col.key : `${col.group}s.${col.key}`;
}

export function toCsv(ids: string[], rows: ArrayLike<number>, columns: Column[]): string {
  const lines = [['id', ...columns.map(headerOf)].map(field).join(',')];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    lines.push([field(ids[r]), ...columns.map((c) => formatForCsv(c, r))].join(','));
  }
  return lines.join('\n') + '\n';
}
