import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { downloadText } from '../../components/download.js';
import { loadPlotly } from '../../components/charts/plotly.js';
import { toCsv } from '../../components/runs-table/csv.js';
import { isTyping } from '../../components/keys.js';
import { RunsTable } from '../../components/runs-table/RunsTable.js';
import { cellValue } from '../../components/runs-table/table.js';
import { href, navigate, useRoute } from '../../stores/route.js';
import { followRunsTable, useCompareStore, viewOf, type ViewState } from '../../stores/compare.js';
import type { SectionProps } from '../types.js';
import { CompareView } from './CompareView.js';
import { Toolbar } from '../../components/runs-table/Toolbar.js';
import { useRunsView } from '../../components/runs-table/useRunsView.js';
import { ViewsMenu } from './ViewsMenu.js';
import './compare.css';

export function CompareSection({ api, project }: SectionProps) {
  const s = useCompareStore();
  const view = viewOf(s);
  const filterRef = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState(0);
  const { items, rows, columns, filterError } = useRunsView(s.table, view, s.selected);
  const selected = useMemo(() => new Set(s.selected), [s.selected]);
  const comparedParam = useRoute((r) => (r.section === 'compare' ? r.query.runs : undefined));

  useEffect(() => followRunsTable(api, project.root), [api, project.root]);

  // `/` focuses the filter from anywhere in the section; `c` compares even when the table has no focus.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (e.key === 'c' && !(e.target instanceof HTMLElement && e.target.closest('[role=grid]'))) {
        useCompareStore.getState().compareSelection();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => setCursor((c) => Math.min(c, Math.max(0, items.length - 1))), [items.length]);

  // plotly takes a second or more to parse: fetch it while the user is still picking runs, not after Compare.
  const hasRuns = (s.table?.count ?? 0) > 0;
  useEffect(() => {
    if (!hasRuns) return;
    const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 200));
    idle(() => void loadPlotly().catch(() => undefined));
  }, [hasRuns]);

  const onSelectMany = useCallback((ids: string[]) => {
    const st = useCompareStore.getState();
    st.setSelected([...new Set([...st.selected, ...ids])]);
  }, []);
  const onPin = useCallback((id: string | null) => useCompareStore.getState().setView({ baseline: id }), []);

  const exportCsv = () => {
    if (!s.table) return;
    downloadText(toCsv(s.table.ids, rows, columns), `${project.name}-runs.csv`, 'text/csv');
  };
  const onSort = (col: string) => {
    const cur = view.sort;
    const dir = cur?.col === col ? (cur.dir === 'desc' ? 'asc' : null) : 'desc';
    s.setView({ sort: dir ? { col, dir } : null });
  };
  const onView = (patch: Partial<ViewState>) => s.setView(patch);

  const header = (
    <SectionHeader
      title="Compare"
      subtitle={
        s.table
          ? `${s.table.count.toLocaleString('en-US')} runs of ${project.name}; ${rows.length.toLocaleString('en-US')} shown, ${s.selected.length} selected`
          : `Runs of ${project.name} side by side`
      }
      actions={
        s.table && (
          <>
            <ViewsMenu api={api} current={view} onApply={s.applyView} />
            <button type="button" className="btn btn--small" onClick={exportCsv} data-testid="export-csv">
              Export CSV
            </button>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void s.load(api, project.root)}
              title="Read the runs again"
            >
              Refresh
            </button>
          </>
        )
      }
    />
  );

  if (s.error)
    return (
      <>
        {header}
        <ErrorNotice error={s.error} title="Could not read the runs" />
      </>
    );
  if (!s.table)
    return (
      <>
        {header}
        <p className="muted" aria-busy="true">
          Reading runs…
        </p>
      </>
    );
  if (s.table.count === 0) {
    return (
      <>
        {header}
        <EmptyState title="No runs yet" command="strata run">
          <p>
            Every pipeline run and every script using the tracking client is recorded and shows here, with its
            params and metrics as columns. Run the pipeline, then select runs and press <kbd>c</kbd> to
            compare them.
          </p>
        </EmptyState>
      </>
    );
  }

  const compared = (comparedParam ?? '').split(',').filter((id) => s.table!.rowOf.has(id));
  const baselineRow = s.baseline === null ? null : (s.table.rowOf.get(s.baseline) ?? null);
  return (
    <div className="cmp" data-testid="compare-section">
      {header}
      <Toolbar
        table={s.table}
        view={view}
        shownColumns={view.columns ?? columns.map((c) => c.id)}
        filterRef={filterRef}
        filterError={filterError}
        onView={onView}
      />
      <div className="cmp-selection">
        <button
          type="button"
          className="btn btn--primary btn--small"
          disabled={s.selected.length === 0}
          onClick={s.compareSelection}
          data-testid="compare-button"
        >
          Compare {s.selected.length || ''} <kbd>c</kbd>
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={rows.length === 0}
          onClick={() =>
            s.setSelected([
              ...new Set([...s.selected, ...Array.from(rows.subarray(0, 1000), (r) => s.table!.ids[r])]),
            ])
          }
        >
          Select shown{rows.length > 1000 ? ' (first 1,000)' : ''}
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={s.selected.length === 0}
          onClick={() => s.setSelected([])}
        >
          Clear selection
        </button>
        {baselineRow !== null && (
          <span className="cmp-baseline" data-testid="baseline">
            baseline ◆{' '}
            <strong>{String(cellValue(s.table.byId.get('field:name')!, baselineRow) ?? s.baseline)}</strong>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => s.setView({ baseline: null })}
            >
              unpin
            </button>
          </span>
        )}
        <span className="muted hint">
          <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>space</kbd> select · <kbd>b</kbd> baseline · <kbd>c</kbd> compare ·{' '}
          <kbd>/</kbd> filter
        </span>
      </div>
      <div className="cmp-table">
        <RunsTable
          table={s.table}
          items={items}
          columns={columns}
          selected={selected}
          baselineRow={baselineRow}
          sort={view.sort}
          cursor={cursor}
          onCursor={setCursor}
          onToggle={s.toggleSelected}
          onSelectMany={onSelectMany}
          onSort={onSort}
          onPin={onPin}
          onCompare={s.compareSelection}
        />
      </div>
      {compared.length > 0 && (
        <CompareView api={api} table={s.table} runIds={compared} onClose={() => navigate(href('compare'))} />
      )}
    </div>
  );
}
