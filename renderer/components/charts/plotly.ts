/**
 * plotly.js is 4.8 MB: it is imported on first use, into its own chunk, so the app starts without it.
 * Only the few functions Strata calls are typed here.
 */
export interface PlotlyModule {
  react(el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
  purge(el: HTMLElement): void;
  downloadImage(el: HTMLElement, opts: { format: 'png' | 'svg'; filename: string; width?: number; height?: number }): Promise<string>;
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width?: number; height?: number }): Promise<string>;
  Plots: { resize(el: HTMLElement): void };
}

let loading: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import('plotly.js-dist-min').then((m) => ((m as { default?: PlotlyModule }).default ?? (m as unknown as PlotlyModule)));
  // A failed load (a missing chunk) must be retryable rather than cached forever.
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * plotly 4's WebGL traces (scattergl) draw under the host's Content-Security-Policy (script-src
 * 'self', no 'unsafe-eval'): checked in Chromium with that exact header. Which charts get WebGL is
 * decided by ./webgl.ts.
 */
export const traceType = (gl: boolean): 'scatter' | 'scattergl' => (gl ? 'scattergl' : 'scatter');

/** The trace type for a chart of a few thousand points at most, where SVG is as fast as WebGL. */
export const TRACE_TYPE = traceType(false);
