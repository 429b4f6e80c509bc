import { cellValue, type Column } from './table.js';

/**
 * Whether a column holds more than one value among the given rows. A value missing in one run and
 * present in another counts as a difference; NaN equals NaN here, since both show the same.
 */
export function columnDiffers(col: Column, rows: readonly number[]): boolean {
  if (rows.length < 2) return false;
  const first = cellValue(col, rows[0]);
  for (let i = 1; i < rows.length; i++) {
    const v = cellValue(col, rows[i]);
    if (v === first) continue;
    if (typeof v === 'number' && typeof first === 'number' && Number.isNaN(v) && Number.isNaN(first))
      continue;
    return true;
  }
  return false;
}
