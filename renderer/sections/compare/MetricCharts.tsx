import { useEffect, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../shared/api/index.js';
import type { CompareSeries, SeriesX } from '../../../shared/api/compare.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { colorOf } from '../../components/charts/colors.js';
import { decodeF64 } from '../../components/charts/decode.js';
import { PlotlyChart } from '../../components/charts/PlotlyChart.js';
import { TRACE_TYPE } from '../../components/charts/plotly.js';
import { smooth } from '../../components/charts/smoothing.js';
import { toErrorData } from '../../../shared/errors.js';

interface Props {
  api: Api;
  runIds: string[];
  names: Map<string, string>;
  metrics: string[];
}

const X_TITLES: Record<SeriesX, string> = {
  step: 'step',
  time: 'wall time',
  relative: 'seconds since the run started',
};
// Faint raw lines under smoothed ones help with a few runs and are noise with many.
const RAW_UNDER_SMOOTHED_MAX_RUNS = 12;

function useWidth(el: React.RefObject<HTMLDivElement | null>): number {
  const [w, setW] = useState(0);
  useEffect(() => {
    if (!el.current) return;
    const ro = new ResizeObserver(() => setW(el.current?.clientWidth ?? 0));
    ro.observe(el.current);
    setW(el.current.clientWidth);
    return () => ro.disconnect();
  }, [el]);
  return w;
}

function MetricChart({
  api,
  runIds,
  names,
  metric,
  x,
  smoothing,
  log,
  width,
}: Props & { metric: string; x: SeriesX; smoothing: number; log: boolean; width: number }) {
  const [series, setSeries] = useState<CompareSeries[] | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  // The engine downsamples to about twice the chart's pixel width: more points than that cannot be seen.
  const points = Math.max(200, Math.round(width * 2));

  useEffect(() => {
    let live = true;
    setError(null);
    api.call('compare.series', { runIds, key: metric, points, x }).then(
      (s) => live && setSeries(s),
      (e) => live && setError(toErrorData(e)),
    );
    return () => {
      live = false;
    };
  }, [api, runIds, metric, points, x]);

  // A metric every run logged once (a final test score) has no curve: one bar per run shows it.
  const scalar = series !== null && series.every((s) => s.total <= 1);
  const data = useMemo(() => {
    if (!series) return null;
    if (scalar) {
      const logged = series.filter((s) => s.total === 1);
      if (logged.length === 0) return [];
      const values = logged.map((s) => decodeF64(s.y)[0]);
      return [
        {
          type: 'bar',
          orientation: 'h',
          y: logged.map((s) => names.get(s.runId) ?? s.runId),
          x: values,
          text: values.map((v) => String(Number(v.toPrecision(4)))),
          textposition: 'auto',
          marker: { color: logged.map((s) => colorOf(runIds.indexOf(s.runId))) },
          hovertemplate: '%{y}: %{x}<extra></extra>',
        },
      ];
    }
    const traces: unknown[] = [];
    series.forEach((s) => {
      if (s.total === 0) return;
      const xs = decodeF64(s.x);
      const xv = x === 'time' ? Array.from(xs, (t) => new Date(t)) : xs;
      const ys = decodeF64(s.y);
      const name = names.get(s.runId) ?? s.runId;
      const color = colorOf(runIds.indexOf(s.runId));
      if (smoothing > 0 && runIds.length <= RAW_UNDER_SMOOTHED_MAX_RUNS) {
        traces.push({
          type: TRACE_TYPE,
          mode: 'lines',
          x: xv,
          y: ys,
          line: { color, width: 1 },
          opacity: 0.25,
          hoverinfo: 'skip',
          showlegend: false,
        });
      }
      // A run that logged a metric only a few times would be an invisible line without markers.
      traces.push({
        type: TRACE_TYPE,
        mode: ys.length < 40 ? 'lines+markers' : 'lines',
        x: xv,
        y: smoothing > 0 ? smooth(ys, smoothing) : ys,
        name,
        line: { color, width: 1.5 },
        marker: { color, size: 6 },
      });
    });
    return traces;
  }, [series, scalar, smoothing, names, runIds, x]);

  const layout = useMemo(
    () =>
      scalar
        ? {
            title: { text: metric, font: { size: 13 } },
            showlegend: false,
            margin: { l: 16, r: 16, t: 32, b: 40 },
            xaxis: { title: { text: 'value (logged once per run)' }, type: log ? 'log' : 'linear' },
            yaxis: { automargin: true, autorange: 'reversed' },
          }
        : {
            title: { text: metric, font: { size: 13 } },
            showlegend: runIds.length <= 10,
            // Below the x axis title, with room made for it.
            legend: { orientation: 'h', y: -0.32, yanchor: 'top' },
            margin: { l: 56, r: 16, t: 32, b: runIds.length <= 10 ? 84 : 44 },
            hovermode: runIds.length <= 20 ? 'x unified' : 'closest',
            xaxis: { title: { text: X_TITLES[x] }, type: x === 'time' ? 'date' : 'linear' },
            yaxis: { type: log ? 'log' : 'linear' },
          },
    [scalar, metric, x, log, runIds.length],
  );

  if (error)
    return (
      <p className="cmp-error" role="alert">
        {metric}: {error.message}
      </p>
    );
  if (!data)
    return (
      <div className="chart chart--loading" style={{ height: 300 }} aria-busy="true">
        Loading {metric}…
      </div>
    );
  if (data.length === 0)
    return <p className="muted chart chart--empty">No run among these logged a series for {metric}.</p>;
  const total = series!.reduce((s, x) => s + x.total, 0);
  return (
    <div data-metric={metric} data-points-stored={total} data-shape={scalar ? 'bars' : 'lines'}>
      <PlotlyChart
        data={data}
        layout={layout}
        name={`${metric}-${x}`}
        height={scalar ? Math.max(160, 80 + 28 * series!.length) : undefined}
        testId="metric-chart"
      />
    </div>
  );
}

/** One chart per metric, one line per run, x as step, wall time or relative time, with smoothing and log scale. */
export function MetricCharts(props: Props) {
  const grid = useRef<HTMLDivElement>(null);
  const width = useWidth(grid);
  const [x, setX] = useState<SeriesX>('step');
  const [smoothing, setSmoothing] = useState(0);
  const [log, setLog] = useState(false);
  const columns = width > 900 ? 2 : 1;
  const chartWidth = Math.floor(width / columns);

  return (
    <div>
      <div className="cmp-chart-controls">
        <label className="cmp-label">
          x axis{' '}
          <select
            className="input cmp-small"
            value={x}
            onChange={(e) => setX(e.target.value as SeriesX)}
            aria-label="X axis"
          >
            <option value="step">step</option>
            <option value="time">wall time</option>
            <option value="relative">relative time</option>
          </select>
        </label>
        <label className="cmp-label">
          smoothing{' '}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(e) => setSmoothing(Number(e.target.value))}
            aria-label="Smoothing"
          />
          <span className="muted">{smoothing.toFixed(2)}</span>
        </label>
        <label className="cmp-toggle">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
      </div>
      <div
        ref={grid}
        className="cmp-charts"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      >
        {chartWidth > 0 &&
          props.metrics.map((m) => (
            <MetricChart
              key={m}
              {...props}
              metric={m}
              x={x}
              smoothing={smoothing}
              log={log}
              width={chartWidth}
            />
          ))}
      </div>
    </div>
  );
}
