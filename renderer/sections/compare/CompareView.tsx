import { useEffect, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../shared/api/index.js';
import { CopyLink } from '../../components/CopyLink.js';
import { ParallelCoords } from '../../components/charts/ParallelCoords.js';
import { columnDiffers } from '../../components/runs-table/differing.js';
import { cellValue, type RunsTable } from '../../components/runs-table/table.js';
import { DiffView } from './DiffView.js';
import { MetricCharts } from './MetricCharts.js';
import { ScatterView } from './ScatterView.js';

type Tab = 'metrics' | 'parallel' | 'scatter' | 'diff';
const TABS: [Tab, string][] = [
  ['metrics', 'Metric curves'],
  ['parallel', 'Parallel coordinates'],
  ['scatter', 'Scatter'],
  ['diff', 'Diff'],
];
const MAX_DEFAULT_CHARTS = 6;
const MAX_PARAM_AXES = 8;
const MAX_METRIC_AXES = 4;

/** The compared runs: curves, parallel coordinates, a param/metric scatter, and a diff of everything recorded. */
export function CompareView({
  api,
  table,
  runIds,
  onClose,
}: {
  api: Api;
  table: RunsTable;
  runIds: string[];
  onClose(): void;
}) {
  const [tab, setTab] = useState<Tab>('metrics');
  // The view opens below a table that may fill the window: bring it into sight, or Compare seems to do nothing.
  const here = useRef<HTMLElement>(null);
  useEffect(() => {
    here.current?.scrollIntoView({ block: 'start' });
  }, []);
  const rows = useMemo(
    () => runIds.map((id) => table.rowOf.get(id)).filter((r): r is number => r !== undefined),
    [table, runIds],
  );
  const names = useMemo(() => {
    const col = table.byId.get('field:name');
    return new Map(
      rows.map((r) => [table.ids[r], col ? String(cellValue(col, r) ?? table.ids[r]) : table.ids[r]]),
    );
  }, [table, rows]);
  const metricCols = table.columns.filter(
    (c) => c.group === 'metric' && rows.some((r) => cellValue(c, r) !== null),
  );
  const [picked, setPicked] = useState<string[] | null>(null);
  const metrics = picked ?? metricCols.slice(0, MAX_DEFAULT_CHARTS).map((c) => c.key);
  const axes = useMemo(() => {
    // Params that vary among the compared runs (a constant axis explains nothing), then the metrics,
    // few enough that the metrics on the right stay on screen.
    const useful = (g: 'param' | 'metric') =>
      table.columns.filter((c) => c.group === g && rows.some((r) => cellValue(c, r) !== null));
    const varying = useful('param').filter((c) => columnDiffers(c, rows));
    return [...varying.slice(0, MAX_PARAM_AXES), ...useful('metric').slice(0, MAX_METRIC_AXES)];
  }, [table, rows]);

  return (
    <section ref={here} className="cmp-view" aria-label="Comparison" data-testid="compare-view">
      <div className="cmp-view__head">
        <h2>
          Comparing {rows.length} run{rows.length === 1 ? '' : 's'}
        </h2>
        <div className="cmp-tabs" role="tablist">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={`cmp-tab${tab === id ? ' cmp-tab--on' : ''}`}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <CopyLink />
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      {tab === 'metrics' && (
        <>
          <div className="cmp-metric-pick" role="group" aria-label="Metrics to chart">
            {metricCols.map((c) => {
              const on = metrics.includes(c.key);
              return (
                <button
                  key={c.id}
                  type="button"
                  className={`chip${on ? ' chip--on' : ''}`}
                  aria-pressed={on}
                  onClick={() => setPicked(on ? metrics.filter((m) => m !== c.key) : [...metrics, c.key])}
                >
                  {c.key}
                </button>
              );
            })}
          </div>
          <MetricCharts api={api} runIds={rows.map((r) => table.ids[r])} names={names} metrics={metrics} />
        </>
      )}
      {tab === 'parallel' &&
        (axes.length >= 2 ? (
          <ParallelCoords axes={axes} rows={rows} names={rows.map((r) => names.get(table.ids[r]) ?? '')} />
        ) : (
          <p className="muted">Parallel coordinates need at least two params or metrics.</p>
        ))}
      {tab === 'scatter' && <ScatterView table={table} rows={rows} />}
      {tab === 'diff' && <DiffView api={api} runIds={rows.map((r) => table.ids[r])} />}
    </section>
  );
}
