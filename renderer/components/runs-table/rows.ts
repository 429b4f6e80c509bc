import type { RowPredicate } from './expr-eval.js';
import { cellValue, type Column, type RunsTable } from './table.js';

export interface RowFilters {
  /** allowed values of the status column; empty = all */
  statuses: ReadonlySet<string>;
  /** a tag key that must be present, or key=value */
  tag: string;
  /** epoch ms bounds on the started column, inclusive; null = open */
  from: number | null;
  to: number | null;
  /** a data version ("artifact@vN") the run must have used or produced; '' = any */
  data: string;
  expr: RowPredicate | null;
}

export const noFilters: RowFilters = {
  statuses: new Set(),
  tag: '',
  from: null,
  to: null,
  data: '',
  expr: null,
};

function textMatcher(
  col: Column | undefined,
  accept: (s: string) => boolean,
): ((row: number) => boolean) | null {
  if (!col || col.kind !== 'text') return null;
  const ok = col.dict.map(accept);
  return (row) => col.codes[row] >= 0 && ok[col.codes[row]];
}

/** Rows passing every filter, in table order. Each filter is turned into a per-row test once, outside the loop. */
export function filterRows(table: RunsTable, f: RowFilters): Uint32Array {
  const tests: ((row: number) => boolean)[] = [];
  if (f.statuses.size)
    tests.push(textMatcher(table.byId.get('field:status'), (s) => f.statuses.has(s)) ?? (() => false));
  if (f.tag.trim()) {
    const [key, ...rest] = f.tag.split('=');
    const value = rest.length ? rest.join('=').trim() : null;
    const col = table.byId.get(`tag:${key.trim()}`);
    tests.push(
      col
        ? (row) => {
            const v = cellValue(col, row);
            return v !== null && (value === null || String(v) === value);
          }
        : () => false,
    );
  }
  if (f.from !== null || f.to !== null) {
    const col = table.byId.get('field:started');
    const lo = f.from ?? -Infinity;
    const hi = f.to ?? Infinity;
    tests.push(
      col && col.kind !== 'text'
        ? (row) => !(col.missing && col.missing[row]) && col.values[row] >= lo && col.values[row] <= hi
        : () => false,
    );
  }
  if (f.data)
    tests.push(
      textMatcher(table.byId.get('field:data'), (s) => s.split(', ').includes(f.data)) ?? (() => false),
    );
  if (f.expr) tests.push(f.expr);
  const out = new Uint32Array(table.count);
  let n = 0;
  for (let r = 0; r < table.count; r++) {
    let ok = true;
    for (let i = 0; i < tests.length && ok; i++) ok = tests[i](r);
    if (ok) out[n++] = r;
  }
  return out.slice(0, n);
}

export type SortDir = 'asc' | 'desc';

/**
 * Sorts row indexes by one column; missing values always last. Numbers sort through a Float64Array
 * of keys and text through dictionary ranks, so the comparator never touches strings or objects.
 */
export function sortRows(rows: Uint32Array, col: Column, dir: SortDir): Uint32Array {
  const sign = dir === 'asc' ? 1 : -1;
  const keys = new Float64Array(rows.length);
  if (col.kind === 'text') {
    const order = col.dict
      .map((_, i) => i)
      .sort((a, b) => col.dict[a].localeCompare(col.dict[b], undefined, { numeric: true }));
    const rank = new Float64Array(col.dict.length);
    order.forEach((code, i) => (rank[code] = i));
    for (let i = 0; i < rows.length; i++) {
      const c = col.codes[rows[i]];
      keys[i] = c < 0 ? NaN : sign * rank[c];
    }
  } else {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      keys[i] = col.missing && col.missing[r] ? NaN : sign * col.values[r];
    }
  }
  const idx = new Uint32Array(rows.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (x === y) return a - b;
    if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : 1;
  });
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < idx.length; i++) out[i] = rows[idx[i]];
  return out;
}

export interface GroupItem {
  kind: 'group';
  label: string;
  count: number;
}

/** One line of the table body: a run (its row index) or a group header. */
export type DisplayItem = number | GroupItem;

/** Groups rows by a column's value, keeping the current order inside each group; groups in order of first appearance. */
export function groupRows(rows: Uint32Array, col: Column | null): DisplayItem[] {
  if (!col) return Array.from(rows);
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const v = cellValue(col, r);
    const label = v === null ? '(none)' : String(v);
    let g = groups.get(label);
    if (!g) groups.set(label, (g = []));
    g.push(r);
  }
  const out: DisplayItem[] = [];
  for (const [label, members] of groups) {
    out.push({ kind: 'group', label: `${col.key} = ${label}`, count: members.length });
    out.push(...members);
  }
  return out;
}
