import { useMemo } from 'react';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { columnDiffers } from './differing.js';
import { compileFilter, type RowPredicate } from './expr-eval.js';
import { filterRows, groupRows, sortRows, type DisplayItem } from './rows.js';
import type { Column, RunsTable } from './table.js';
import type { ViewState } from '../../stores/compare.js';

const DEFAULT_FIELDS = ['field:name', 'field:status', 'field:started', 'field:duration'];
const DEFAULT_PARAMS = 12;
const DEFAULT_METRICS = 10;

/** Without a saved choice: the run's own fields, then the first params and metrics; tags are picked by hand. */
export function defaultColumns(table: RunsTable): string[] {
  const of = (g: Column['group'], n: number) =>
    table.columns
      .filter((c) => c.group === g)
      .slice(0, n)
      .map((c) => c.id);
  return [
    ...DEFAULT_FIELDS.filter((id) => table.byId.has(id)),
    ...of('param', DEFAULT_PARAMS),
    ...of('metric', DEFAULT_METRICS),
  ];
}

function parseDate(s: string, endOfDay: boolean): number | null {
  if (!s) return null;
  const ms = Date.parse(endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T23:59:59.999` : s);
  return Number.isNaN(ms) ? null : ms;
}

export interface RunsView {
  items: DisplayItem[];
  /** rows after filtering, in display order (without group headers) */
  rows: Uint32Array;
  columns: Column[];
  filterError: StrataErrorData | null;
}

/**
 * The table as the user asked to see it. Each stage is memoised on its own inputs, so sorting does
 * not re-filter and toggling a column does not re-sort.
 */
export function useRunsView(table: RunsTable | null, view: ViewState, selected: string[]): RunsView {
  const compiled = useMemo((): { expr: RowPredicate | null; error: StrataErrorData | null } => {
    if (!table || !view.filter.trim()) return { expr: null, error: null };
    try {
      return { expr: compileFilter(view.filter, table), error: null };
    } catch (err) {
      return { expr: null, error: toErrorData(err) };
    }
  }, [table, view.filter]);

  const filtered = useMemo(() => {
    if (!table) return new Uint32Array(0);
    return filterRows(table, {
      statuses: new Set(view.statuses),
      tag: view.tag,
      from: parseDate(view.from, false),
      to: parseDate(view.to, true),
      data: view.data,
      // A filter that does not compile shows nothing rather than everything, so a typo is never mistaken for a match.
      expr: compiled.error ? () => false : compiled.expr,
    });
  }, [table, view.statuses, view.tag, view.from, view.to, view.data, compiled]);

  const sorted = useMemo(() => {
    const col = view.sort && table?.byId.get(view.sort.col);
    return col ? sortRows(filtered, col, view.sort!.dir) : filtered;
  }, [table, filtered, view.sort]);

  const items = useMemo(
    () => groupRows(sorted, (view.groupBy && table?.byId.get(view.groupBy)) || null),
    [table, sorted, view.groupBy],
  );

  const columns = useMemo(() => {
    if (!table) return [];
    const ids = view.columns ?? defaultColumns(table);
    const cols = ids.map((id) => table.byId.get(id)).filter((c): c is Column => c !== undefined);
    if (!view.onlyDiffering) return cols;
    const rows = selected.map((id) => table.rowOf.get(id)).filter((r): r is number => r !== undefined);
    if (rows.length < 2) return cols;
    // The run's name always stays: without it a row cannot be told apart.
    return cols.filter((c) => c.id === 'field:name' || columnDiffers(c, rows));
  }, [table, view.columns, view.onlyDiffering, selected]);

  return { items, rows: sorted, columns, filterError: compiled.error };
}
