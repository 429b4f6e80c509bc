/**
 * plotly.js is 4.8 MB: it is imported on first use, into its own chunk, so the app starts without it.
 * Only the few functions Strata calls are typed here.
 */
export interface PlotlyModule {
  react(
    el: HTMLElement,
    data: unknown[],
    layout: Record<string, unknown>,
    config?: Record<string, unknown>,
  ): Promise<unknown>;
  purge(el: HTMLElement): void;
  downloadImage(
    el: HTMLElement,
    opts: { format: 'png' | 'svg'; filename: string; width?: number; height?: number },
  ): Promise<string>;
}

let loading: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import('plotly.js-dist-min').then(
    (m) => (m as { default?: PlotlyModule }).default ?? (m as unknown as PlotlyModule),
  );
  // A failed load (a missing chunk) must be retryable rather than cached forever.
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * Only SVG traces. plotly's WebGL traces (scattergl, parcoords) build their drawing code with
 * Function() (regl), which the host's Content-Security-Policy (script-src 'self', no 'unsafe-eval')
 * forbids: in Chromium with that header plotly shows "WebGL is not supported" instead of the chart,
 * and draws it without the header. The engine's downsampling keeps every series small enough for SVG.
 */
export const TRACE_TYPE = 'scatter';
