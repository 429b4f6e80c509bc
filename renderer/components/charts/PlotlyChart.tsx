import { useEffect, useRef, useState } from 'react';
import { loadPlotly, type PlotlyModule } from './plotly.js';

interface Props {
  data: unknown[];
  layout: Record<string, unknown>;
  /** used for exported file names */
  name: string;
  height?: number;
  testId?: string;
}

/**
 * Plotly's toolbar takes the top TOOLBAR_PX of the chart, at the right. The title sits in a band below
 * it, just above the plot, so no width of chart, title or toolbar can put one over the other.
 */
const TOOLBAR_PX = 28;
const TITLE_BAND_PX = 24;

function titledBelowToolbar(layout: Record<string, unknown>): Record<string, unknown> {
  const margin = (layout.margin as Record<string, number> | undefined) ?? {};
  return {
    title: {
      x: 0,
      xref: 'paper',
      xanchor: 'left',
      y: 1,
      yref: 'paper',
      yanchor: 'bottom',
      pad: { b: 6 },
      ...(layout.title as object),
    },
    margin: { l: 56, r: 16, b: 40, ...margin, t: Math.max(margin.t ?? 0, TOOLBAR_PX + TITLE_BAND_PX) },
  };
}

function themed(layout: Record<string, unknown>): Record<string, unknown> {
  const css = getComputedStyle(document.documentElement);
  const text = css.getPropertyValue('--text').trim() || '#1c2330';
  const grid = css.getPropertyValue('--border').trim() || '#dde1e6';
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: text, size: 11 },
    margin: { l: 56, r: 16, t: 32, b: 40 },
    ...layout,
    ...(layout.title ? titledBelowToolbar(layout) : {}),
    xaxis: { gridcolor: grid, zerolinecolor: grid, ...(layout.xaxis as object) },
    yaxis: { gridcolor: grid, zerolinecolor: grid, ...(layout.yaxis as object) },
  };
}

/** One plotly chart with PNG/SVG export. plotly is loaded on first render. */
export function PlotlyChart({ data, layout, name, height = 300, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plotly = useRef<PlotlyModule | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadPlotly()
      .then(async (P) => {
        if (!live || !el.current) return;
        plotly.current = P;
        await P.react(el.current, data, themed({ ...layout, height }), {
          displaylogo: false,
          responsive: true,
          modeBarButtonsToRemove: ['toImage', 'sendDataToCloud'],
        });
        // Counts draws: tests and benchmarks wait for it to know the chart is on screen.
        if (live) el.current.dataset.drawn = String((Number(el.current.dataset.drawn) || 0) + 1);
      })
      .catch((e: Error) => live && setError(`Could not draw the chart: ${e.message}`));
    return () => {
      live = false;
    };
  }, [data, layout, height]);

  useEffect(() => {
    const node = el.current;
    return () => {
      if (node && plotly.current) plotly.current.purge(node);
    };
  }, []);

  const exportAs = (format: 'png' | 'svg') => {
    if (el.current && plotly.current)
      void plotly.current.downloadImage(el.current, { format, filename: name.replace(/[^\w.-]+/g, '_') });
  };

  return (
    <figure className="chart" data-testid={testId}>
      <div className="chart__tools">
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => exportAs('png')}
          title="Download as PNG"
        >
          PNG
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => exportAs('svg')}
          title="Download as SVG"
        >
          SVG
        </button>
      </div>
      {error ? (
        <p className="cmp-error" role="alert">
          {error}
        </p>
      ) : (
        <div ref={el} className="chart__plot" style={{ height }} />
      )}
    </figure>
  );
}
