import { useEffect, useMemo, useState } from 'react';
import type { Api, MetricInfo, SeriesResult } from '../../../shared/api/index.js';
import { PlotlyChart } from '../../components/charts/PlotlyChart.js';
import { TRACE_TYPE } from '../../components/charts/plotly.js';

const POINTS = 1000;

/** One chart per metric series: the mean line with a min–max band, from the engine's downsampled series. */
function SeriesChart({
  api,
  runId,
  metric,
  version,
}: {
  api: Api;
  runId: string;
  metric: MetricInfo;
  version: number;
}) {
  const [series, setSeries] = useState<SeriesResult | null>(null);
  useEffect(() => {
    let live = true;
    void api
      .call('metrics.series', { runIds: [runId], key: metric.key, points: POINTS, x: 'step' })
      .then((r) => live && setSeries(r[0]));
    return () => {
      live = false;
    };
  }, [api, runId, metric.key, version]);
  const data = useMemo(() => {
    if (!series) return [];
    const band = series.total > series.xs.length;
    return [
      ...(band
        ? [
            {
              type: TRACE_TYPE,
              mode: 'lines',
              x: series.xs,
              y: series.maxs,
              line: { width: 0 },
              hoverinfo: 'skip',
              showlegend: false,
            },
            {
              type: TRACE_TYPE,
              mode: 'lines',
              x: series.xs,
              y: series.mins,
              fill: 'tonexty',
              line: { width: 0 },
              fillcolor: 'rgba(59,91,219,0.18)',
              hoverinfo: 'skip',
              showlegend: false,
            },
          ]
        : []),
      {
        type: TRACE_TYPE,
        mode: series.xs.length < 50 ? 'lines+markers' : 'lines',
        x: series.xs,
        y: series.ys,
        name: metric.key,
        line: { color: '#3b5bdb', width: 1.5 },
      },
    ];
  }, [series, metric.key]);
  const layout = useMemo(
    () => ({
      title: { text: metric.key, font: { size: 13 } },
      xaxis: { title: { text: 'step' } },
      showlegend: false,
    }),
    [metric.key],
  );
  if (!series) return <p className="muted">Reading {metric.key}…</p>;
  return (
    <PlotlyChart
      data={data}
      layout={layout}
      name={`${runId}-${metric.key}`}
      height={240}
      testId={`chart-${metric.key}`}
    />
  );
}

export function MetricCharts({
  api,
  runId,
  metrics,
  version,
}: {
  api: Api;
  runId: string;
  metrics: MetricInfo[];
  version: number;
}) {
  const series = metrics.filter((m) => m.count > 1);
  if (series.length === 0)
    return <p className="muted">No metric has more than one point; final values are listed above.</p>;
  return (
    <div className="rn-charts">
      {series.map((m) => (
        <SeriesChart key={m.key} api={api} runId={runId} metric={m} version={version} />
      ))}
    </div>
  );
}
