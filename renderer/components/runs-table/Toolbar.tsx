import './toolbar.css';
import type { RefObject } from 'react';
import type { StrataErrorData } from '../../../shared/errors.js';
import type { Column, NumberColumn, RunsTable } from './table.js';
import type { ViewState } from '../../stores/compare.js';
import { ColumnPicker } from './ColumnPicker.js';

interface Props {
  table: RunsTable;
  view: ViewState;
  shownColumns: string[];
  filterRef: RefObject<HTMLInputElement | null>;
  filterError: StrataErrorData | null;
  onView(patch: Partial<ViewState>): void;
}

function dictOf(table: RunsTable, id: string): string[] {
  const c = table.byId.get(id);
  return c && c.kind === 'text' ? [...c.dict].sort() : [];
}

/** Which names are allowed as they are in a filter; others need backticks (see expr-parse.ts). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.:]*$/;

/**
 * An example filter in this project's own terms: a numeric param and metric that vary, compared with a
 * value one of its runs has, so the placeholder reads as something the user could type.
 */
export function filterExample(table: RunsTable): string {
  const condition = (group: 'param' | 'metric', op: string) => {
    const numeric = table.columns.filter((c): c is NumberColumn => c.group === group && c.kind === 'number');
    const valuesOf = (c: NumberColumn) => Array.from(c.values).filter((_, i) => !c.missing?.[i]);
    // A column whose runs differ makes a filter worth typing; a constant one matches all or nothing.
    const col = numeric.find((c) => new Set(valuesOf(c)).size > 1) ?? numeric[0];
    if (!col) return null;
    const values = valuesOf(col).sort((a, b) => a - b);
    if (values.length === 0) return null;
    const mid = Number(values[Math.floor(values.length / 2)].toPrecision(2));
    const name = PLAIN_NAME.test(col.key) ? col.key : `\`${col.key}\``;
    return `${name} ${op} ${mid}`;
  };
  const parts = [condition('param', '<='), condition('metric', '>=')].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(' and ') : 'status == "done"';
}

/** Filters (expression, status, tag, dates, data version), grouping, column choice and the differing-only toggle. */
export function Toolbar({ table, view, shownColumns, filterRef, filterError, onView }: Props) {
  const statuses = dictOf(table, 'field:status');
  const dataVersions = [...new Set(dictOf(table, 'field:data').flatMap((s) => s.split(', ')))].sort();
  const groupable = table.columns.filter((c: Column) => c.group === 'param' || c.group === 'tag');
  const pos = (filterError?.details as { position?: number } | undefined)?.position;

  return (
    <div className="cmp-toolbar">
      <div className="cmp-filter">
        <input
          ref={filterRef}
          className={`input input--mono${filterError ? ' input--error' : ''}`}
          placeholder={`Filter: ${filterExample(table)}   (press / to focus)`}
          value={view.filter}
          onChange={(e) => onView({ filter: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
          }}
          aria-label="Filter expression"
          aria-invalid={filterError !== null}
          data-testid="filter-input"
          spellCheck={false}
        />
        {filterError && (
          <div className="cmp-filter__error" role="alert" data-testid="filter-error">
            {pos !== undefined && (
              <pre className="cmp-filter__caret">{`${view.filter}\n${' '.repeat(pos)}^`}</pre>
            )}
            {filterError.message}
          </div>
        )}
      </div>
      <div className="cmp-controls">
        <div className="cmp-statuses" role="group" aria-label="Status">
          {statuses.map((s) => {
            const on = view.statuses.includes(s);
            return (
              <button
                key={s}
                type="button"
                className={`chip chip--${s}${on ? ' chip--on' : ''}`}
                aria-pressed={on}
                onClick={() =>
                  onView({ statuses: on ? view.statuses.filter((x) => x !== s) : [...view.statuses, s] })
                }
              >
                {s}
              </button>
            );
          })}
        </div>
        <input
          className="input cmp-small"
          placeholder="tag or tag=value"
          value={view.tag}
          onChange={(e) => onView({ tag: e.target.value })}
          aria-label="Tag filter"
        />
        <label className="cmp-label">
          from{' '}
          <input
            type="date"
            className="input cmp-date"
            value={view.from}
            onChange={(e) => onView({ from: e.target.value })}
            aria-label="Started from"
          />
        </label>
        <label className="cmp-label">
          to{' '}
          <input
            type="date"
            className="input cmp-date"
            value={view.to}
            onChange={(e) => onView({ to: e.target.value })}
            aria-label="Started until"
          />
        </label>
        {dataVersions.length > 0 && (
          <select
            className="input cmp-small"
            value={view.data}
            onChange={(e) => onView({ data: e.target.value })}
            aria-label="Data version"
          >
            <option value="">any data version</option>
            {dataVersions.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        )}
        <select
          className="input cmp-small"
          value={view.groupBy ?? ''}
          onChange={(e) => onView({ groupBy: e.target.value || null })}
          aria-label="Group by"
        >
          <option value="">no grouping</option>
          {groupable.map((c) => (
            <option key={c.id} value={c.id}>
              group by {c.group} {c.key}
            </option>
          ))}
        </select>
        <ColumnPicker table={table} shown={shownColumns} onChange={(columns) => onView({ columns })} />
        <label className="cmp-toggle">
          <input
            type="checkbox"
            checked={view.onlyDiffering}
            onChange={(e) => onView({ onlyDiffering: e.target.checked })}
            data-testid="only-differing"
          />
          only columns that differ among the selected runs
        </label>
      </div>
    </div>
  );
}
