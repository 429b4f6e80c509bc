import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { isTyping } from '../../components/keys.js';
import { RunsTable } from '../../components/runs-table/RunsTable.js';
import { Toolbar } from '../../components/runs-table/Toolbar.js';
import { defaultColumns, useRunsView } from '../../components/runs-table/useRunsView.js';
import { followRunsTable, useCompareStore, viewOf, type ViewState } from '../../stores/compare.js';
import { href, navigate, useRoute } from '../../stores/route.js';
import { followRuns } from '../../stores/runs.js';
import type { SectionProps } from '../types.js';
import { ImportDialog } from './ImportDialog.js';
import { RunPage } from './RunPage.js';
import './runs.css';

/**
 * Every run of the project in the one runs table Compare uses (virtualized, sortable by any column,
 * filterable): the same view, so a filter set here is still set there. A click opens the run.
 */
export function RunsSection({ api, project }: SectionProps) {
  const openRunId = useRoute((r) => (r.section === 'runs' ? (r.parts[0] ?? null) : null));
  useEffect(() => followRuns(api), [api]);
  if (openRunId) return <RunPage api={api} runId={openRunId} onBack={() => navigate(href('runs'))} />;
  return <RunsList api={api} project={project} />;
}

/** The run's own fields, params and metrics, and the versions it read and wrote. */
const withData = (ids: string[]) => [...ids, 'field:data'];

function RunsList({ api, project }: SectionProps) {
  const s = useCompareStore();
  const view = viewOf(s);
  const columnChoice = useMemo(
    () => view.columns ?? (s.table ? withData(defaultColumns(s.table)) : null),
    [s.table, view.columns],
  );
  const shown: ViewState = { ...view, columns: columnChoice };
  const filterRef = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState(0);
  const [importing, setImporting] = useState(false);
  const { items, rows, columns, filterError } = useRunsView(s.table, shown, s.selected);
  const selected = useMemo(() => new Set(s.selected), [s.selected]);
  useEffect(() => followRunsTable(api, project.root), [api, project.root]);
  useEffect(() => setCursor((c) => Math.min(c, Math.max(0, items.length - 1))), [items.length]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || e.key !== '/') return;
      e.preventDefault();
      filterRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const onSelectMany = useCallback((ids: string[]) => {
    const st = useCompareStore.getState();
    st.setSelected([...new Set([...st.selected, ...ids])]);
  }, []);
  const onPin = useCallback((id: string | null) => useCompareStore.getState().setView({ baseline: id }), []);
  const onOpen = useCallback((id: string) => navigate(href('runs', [id])), []);
  const onSort = (col: string) => {
    const cur = view.sort;
    const dir = cur?.col === col ? (cur.dir === 'desc' ? 'asc' : null) : 'desc';
    s.setView({ sort: dir ? { col, dir } : null });
  };

  const header = (
    <SectionHeader
      title="Runs"
      subtitle={
        s.table && s.table.count > 0
          ? `${s.table.count.toLocaleString('en-US')} runs of ${project.name}; ${rows.length.toLocaleString('en-US')} shown. Click a run to open it, a column to sort.`
          : `Every run of ${project.name}: status, duration, parameters, metrics and the versions it read and wrote.`
      }
      actions={
        <>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => setImporting(true)}
            data-testid="import-mlflow"
          >
            Import from MLflow…
          </button>
          {s.selected.length > 0 && (
            <button
              type="button"
              className="btn btn--primary btn--small"
              onClick={s.compareSelection}
              data-testid="compare-button"
            >
              Compare {s.selected.length}
            </button>
          )}
          {importing && <ImportDialog api={api} onClose={() => setImporting(false)} />}
        </>
      }
    />
  );
  // Every state keeps the header in the same place, so an import started from it (its dialog and
  // job) lives on while its first runs turn the empty list into a table.
  if (s.error)
    return (
      <div className="rn-list">
        {header}
        <ErrorNotice error={s.error} />
      </div>
    );
  if (!s.table)
    return (
      <div className="rn-list">
        {header}
        <p className="muted" aria-busy="true">
          Reading runs…
        </p>
      </div>
    );
  if (s.table.count === 0) {
    return (
      <div className="rn-list">
        {header}
        <EmptyState title="No runs yet" command="strata run">
          <p>
            Runs appear here when you run the pipeline: <code>strata run</code> in a terminal, or the Run
            button in Pipelines. Scripts that log through the Python or Node client from a terminal appear
            too. Runs kept in MLflow come in through Import from MLflow… above.
          </p>
        </EmptyState>
      </div>
    );
  }
  const baselineRow = s.baseline === null ? null : (s.table.rowOf.get(s.baseline) ?? null);
  return (
    <div className="rn-list">
      {header}
      <Toolbar
        table={s.table}
        view={shown}
        shownColumns={shown.columns ?? columns.map((c) => c.id)}
        filterRef={filterRef}
        filterError={filterError}
        onView={s.setView}
      />
      <div className="rn-list__table">
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
          onOpen={onOpen}
        />
      </div>
    </div>
  );
}
