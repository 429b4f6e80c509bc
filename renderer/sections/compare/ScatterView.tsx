import { useMemo, useState } from 'react';
import { colorOf } from '../../components/charts/colors.js';
import { PlotlyChart } from '../../components/charts/PlotlyChart.js';
import { TRACE_TYPE } from '../../components/charts/plotly.js';
import { columnDiffers } from '../../components/runs-table/differing.js';
import { cellValue, type Column, type RunsTable } from '../../components/runs-table/table.js';

/** Any param against any metric, one point per compared run. */
export function ScatterView({ table, rows }: { table: RunsTable; rows: number[] }) {
  const params = table.columns.filter((c) => c.group === 'param');
  const metrics = table.columns.filter((c) => c.group === 'metric');
  // A column with one value among these runs draws every point on one line: start with ones that vary.
  const firstVarying = (cols: Column[]) =>
    (cols.find((c) => columnDiffers(c, rows)) ?? cols.find((c) => rows.some((r) => cellValue(c, r) !== null)))
      ?.id ?? '';
  const [px, setPx] = useState(() => firstVarying(params));
  const [my, setMy] = useState(() => firstVarying(metrics));
  const cx = table.byId.get(px);
  const cy = table.byId.get(my);

  const data = useMemo(() => {
    if (!cx || !cy) return [];
    const pts = rows
      .map((r, i) => ({ r, i, x: cellValue(cx, r), y: cellValue(cy, r) }))
      .filter((p) => p.x !== null && p.y !== null);
    return [
      {
        type: TRACE_TYPE,
        mode: 'markers',
        x: pts.map((p) => p.x),
        y: pts.map((p) => p.y),
        text: pts.map((p) => cellValue(table.byId.get('field:name')!, p.r) ?? table.ids[p.r]),
        marker: { size: 9, color: pts.map((p) => colorOf(p.i)) },
        hovertemplate: '%{text}<br>%{x}, %{y}<extra></extra>',
      },
    ];
  }, [table, rows, cx, cy]);
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: cx?.key ?? '' } },
      yaxis: { title: { text: cy?.key ?? '' } },
      showlegend: false,
    }),
    [cx, cy],
  );

  if (!params.length || !metrics.length)
    return <p className="muted">A scatter needs at least one param and one metric.</p>;
  return (
    <div>
      <div className="cmp-chart-controls">
        <label className="cmp-label">
          param{' '}
          <select
            className="input cmp-small"
            value={px}
            onChange={(e) => setPx(e.target.value)}
            aria-label="Scatter param"
          >
            {params.map((c) => (
              <option key={c.id} value={c.id}>
                {c.key}
              </option>
            ))}
          </select>
        </label>
        <label className="cmp-label">
          metric{' '}
          <select
            className="input cmp-small"
            value={my}
            onChange={(e) => setMy(e.target.value)}
            aria-label="Scatter metric"
          >
            {metrics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.key}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PlotlyChart
        data={data}
        layout={layout}
        name={`${cx?.key}-vs-${cy?.key}`}
        height={360}
        testId="scatter-chart"
      />
    </div>
  );
}
