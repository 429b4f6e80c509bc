import './runs-table.css';
import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';
import { delta, formatDelta } from './deltas.js';
import { formatCell } from './format.js';
import type { DisplayItem, SortDir } from './rows.js';
import { cellValue, type Column, type RunsTable as Table } from './table.js';

export const ROW_HEIGHT = 34;
const OVERSCAN = 4;

export interface RunsTableProps {
  table: Table;
  items: DisplayItem[];
  columns: Column[];
  selected: ReadonlySet<string>;
  baselineRow: number | null;
  sort: { col: string; dir: SortDir } | null;
  cursor: number;
  onCursor(index: number): void;
  onToggle(runId: string): void;
  /** adds runs to the selection (shift-click, shift-arrows) */
  onSelectMany(runIds: string[]): void;
  onSort(colId: string): void;
  onPin(runId: string | null): void;
  onCompare(): void;
  /** Given, a click on a row (or Enter on the cursor row) opens that run instead of only moving the cursor. */
  onOpen?(runId: string): void;
}

function widthOf(col: Column): number {
  if (col.group === 'field' && col.key === 'name') return 200;
  if (col.kind === 'time') return 140;
  return col.kind === 'text' ? 130 : 118;
}

/**
 * A virtualized grid: only the rows in view (plus a few) exist in the DOM, positioned inside a spacer
 * as tall as all rows, so 100,000 runs cost the same to scroll as 100.
 */
export function RunsTable(p: RunsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Keep the cursor row in view when the keyboard moves it.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const top = p.cursor * ROW_HEIGHT;
    const bodyHeight = el.clientHeight - ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + bodyHeight) el.scrollTop = top + ROW_HEIGHT - bodyHeight;
  }, [p.cursor]);

  // Rows get one stable callback (they are memoised); it reads the newest props through this ref.
  const latest = useRef(p);
  latest.current = p;
  const anchor = useRef<number | null>(null);
  const onCheck = useCallback((index: number, shift: boolean) => {
    const q = latest.current;
    const from = anchor.current;
    if (shift && from !== null) {
      const [a, b] = from < index ? [from, index] : [index, from];
      q.onSelectMany(
        q.items
          .slice(a, b + 1)
          .filter((it): it is number => typeof it === 'number')
          .map((r) => q.table.ids[r]),
      );
    } else {
      const item = q.items[index];
      if (typeof item === 'number') q.onToggle(q.table.ids[item]);
    }
    anchor.current = index;
  }, []);

  const template = ['64px', ...p.columns.map((c) => `${widthOf(c)}px`)].join(' ');
  const totalWidth = 64 + p.columns.reduce((s, c) => s + widthOf(c), 0);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(p.items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(p.items.length - 1, p.cursor + moves[e.key]));
      p.onCursor(next);
      // Shift+arrows extend the selection over the rows passed.
      if (e.shiftKey) {
        const [a, b] = p.cursor < next ? [p.cursor, next] : [next, p.cursor];
        p.onSelectMany(
          p.items
            .slice(a, b + 1)
            .filter((it): it is number => typeof it === 'number')
            .map((r) => p.table.ids[r]),
        );
      }
      return;
    }
    const item = p.items[p.cursor];
    if (e.key === ' ') {
      e.preventDefault();
      onCheck(p.cursor, e.shiftKey);
    } else if (e.key === 'Enter' && p.onOpen && typeof item === 'number') {
      e.preventDefault();
      p.onOpen(p.table.ids[item]);
    } else if (e.key === 'c' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      p.onCompare();
    } else if (e.key === 'b' && !e.ctrlKey && !e.metaKey && typeof item === 'number') {
      e.preventDefault();
      p.onPin(p.baselineRow === item ? null : p.table.ids[item]);
    }
  }

  const rows = [];
  for (let i = first; i < last; i++) {
    const item = p.items[i];
    const style = { top: (i + 1) * ROW_HEIGHT, gridTemplateColumns: template, width: totalWidth };
    if (typeof item !== 'number') {
      rows.push(
        <div
          key={i}
          className={`rt-row rt-row--group${i === p.cursor ? ' rt-row--cursor' : ''}`}
          style={style}
          role="row"
          aria-rowindex={i + 2}
        >
          <div className="rt-group" role="gridcell">
            {item.label} <span className="muted">({item.count})</span>
          </div>
        </div>,
      );
      continue;
    }
    const id = p.table.ids[item];
    // Keyed by position, not by run: after a sort the same row elements are patched with other
    // runs' values instead of being torn down and rebuilt, which halves the cost of a sort.
    rows.push(
      <RunRow
        key={i}
        table={p.table}
        row={item}
        index={i}
        columns={p.columns}
        style={style}
        selected={p.selected.has(id)}
        baselineRow={p.baselineRow}
        cursor={i === p.cursor}
        onCursor={p.onCursor}
        onCheck={onCheck}
        onPin={p.onPin}
        onOpen={p.onOpen}
      />,
    );
  }

  return (
    <div
      ref={scroller}
      className="rt"
      tabIndex={0}
      role="grid"
      aria-label="Runs"
      aria-rowcount={p.items.length + 1}
      aria-multiselectable
      data-testid="runs-table"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div className="rt-spacer" style={{ height: (p.items.length + 1) * ROW_HEIGHT, width: totalWidth }}>
        <div
          className="rt-row rt-row--head"
          style={{ gridTemplateColumns: template, width: totalWidth }}
          role="row"
          aria-rowindex={1}
        >
          <div className="rt-cell rt-cell--head" role="columnheader">
            {p.selected.size > 0 ? p.selected.size : ''}
          </div>
          {p.columns.map((c) => {
            const dir = p.sort?.col === c.id ? p.sort.dir : null;
            return (
              <div
                key={c.id}
                className={`rt-cell rt-cell--head rt-cell--${c.group}${c.kind !== 'text' ? ' rt-cell--num' : ''}`}
                role="columnheader"
                aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                data-col={c.id}
              >
                <button
                  type="button"
                  tabIndex={-1}
                  className="rt-sort"
                  onClick={() => p.onSort(c.id)}
                  title={`${c.group === 'field' ? '' : c.group + ': '}${c.key} — click to sort`}
                >
                  <span className="rt-group-mark">
                    {c.group === 'param' ? 'P' : c.group === 'metric' ? 'M' : c.group === 'tag' ? 'T' : ''}
                  </span>
                  {c.key}
                  {dir && <span aria-hidden>{dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                </button>
              </div>
            );
          })}
        </div>
        {rows}
        {p.items.length === 0 && (
          <p className="rt-empty" role="status">
            No run matches these filters.
          </p>
        )}
      </div>
    </div>
  );
}

interface RowProps {
  table: Table;
  row: number;
  index: number;
  columns: Column[];
  style: CSSProperties;
  selected: boolean;
  baselineRow: number | null;
  cursor: boolean;
  onCursor(index: number): void;
  onCheck(index: number, shift: boolean): void;
  onPin(runId: string | null): void;
  onOpen?(runId: string): void;
}

/** Memoised: moving the cursor or ticking one run re-renders two rows, not the whole view. */
const RunRow = memo(function RunRow({
  table,
  row: item,
  index: i,
  columns,
  style,
  selected: isSel,
  baselineRow,
  cursor,
  onCursor,
  onCheck,
  onPin,
  onOpen,
}: RowProps) {
  const id = table.ids[item];
  const isBase = baselineRow === item;
  return (
    <div
      className={`rt-row${isSel ? ' rt-row--selected' : ''}${isBase ? ' rt-row--baseline' : ''}${cursor ? ' rt-row--cursor' : ''}`}
      style={style}
      role="row"
      aria-rowindex={i + 2}
      aria-selected={isSel}
      data-run-id={id}
      data-testid={`run-row-${id}`}
      onClick={() => {
        onCursor(i);
        onOpen?.(id);
      }}
    >
      <div className="rt-cell rt-cell--select" role="gridcell">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={isSel}
          readOnly
          onClick={(e) => {
            // Ticking a box selects the run; it must not also open it.
            e.stopPropagation();
            onCursor(i);
            onCheck(i, e.shiftKey);
          }}
          aria-label={`Select run ${id}`}
        />
        <button
          type="button"
          tabIndex={-1}
          className={`rt-pin${isBase ? ' rt-pin--on' : ''}`}
          onClick={(e) => {
            e.stopPropagation();
            onPin(isBase ? null : id);
          }}
          title={
            isBase ? 'Unpin baseline' : 'Pin as baseline: every numeric column shows its change from this run'
          }
          aria-label={isBase ? `Unpin baseline ${id}` : `Pin ${id} as baseline`}
        >
          {isBase ? '◆' : '◇'}
        </button>
      </div>
      {columns.map((c) => {
        const v = cellValue(c, item);
        const numeric = c.kind !== 'text';
        const d =
          numeric && baselineRow !== null && !isBase && c.kind !== 'time'
            ? delta(v as number | null, cellValue(c, baselineRow) as number | null)
            : null;
        return (
          <div
            key={c.id}
            className={`rt-cell${numeric ? ' rt-cell--num' : ''}`}
            role="gridcell"
            data-col={c.id}
            data-value={v === null ? '' : String(v)}
            title={v === null ? undefined : String(v)}
          >
            <span className="rt-value">{formatCell(c, item)}</span>
            {d && (
              <span className={`rt-delta${deltaTone(c, d.abs)}`} data-testid="delta">
                {formatDelta(d)}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}, rowPropsEqual);

/**
 * Better or worse only where the metric says which way is better; params, durations and metrics of
 * unknown direction get the neutral colour, since a rise there is neither good nor bad.
 */
function deltaTone(col: Column, change: number): string {
  const goal = col.kind === 'text' ? undefined : col.goal;
  if (!goal || change === 0) return '';
  return change > 0 === (goal === 'maximize') ? ' rt-delta--better' : ' rt-delta--worse';
}

/** style is rebuilt every render; only what it holds matters. */
function rowPropsEqual(a: RowProps, b: RowProps): boolean {
  return (
    a.table === b.table &&
    a.row === b.row &&
    a.index === b.index &&
    a.columns === b.columns &&
    a.selected === b.selected &&
    a.baselineRow === b.baselineRow &&
    a.cursor === b.cursor &&
    a.style.top === b.style.top &&
    a.style.gridTemplateColumns === b.style.gridTemplateColumns &&
    a.onCursor === b.onCursor &&
    a.onCheck === b.onCheck &&
    a.onPin === b.onPin &&
    a.onOpen === b.onOpen
  );
}
