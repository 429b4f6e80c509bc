import { useRef } from 'react';
import { formatNumber } from '../runs-table/format.js';
import { cellValue, type Column } from '../runs-table/table.js';
import { colorOf } from './colors.js';
import { exportSvg } from './export.js';

interface Props {
  axes: Column[];
  rows: number[];
  names: string[];
  height?: number;
}

// The weight and size of .pc__title and .pc__tick (compare.css), for measuring labels before they are drawn.
const TITLE_FONT = '600 12px';
const TICK_FONT = '10px';
let measure: CanvasRenderingContext2D | null = null;

function textWidth(text: string, font: string): number {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure) return text.length * 7.5;
  measure.font = `${font} ${getComputedStyle(document.body).fontFamily}`;
  return measure.measureText(text).width;
}

interface Axis {
  col: Column;
  /** value → 0 (bottom) .. 1 (top); null for a missing value */
  scale(v: number | string | null): number | null;
  ticks: { at: number; label: string }[];
}

function axisOf(col: Column, rows: number[]): Axis {
  const values = rows.map((r) => cellValue(col, r)).filter((v): v is number | string => v !== null);
  if (col.kind === 'text' || values.some((v) => typeof v === 'string')) {
    const cats = [...new Set(values.map(String))].sort();
    const at = (i: number) => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
    return {
      col,
      scale: (v) => (v === null ? null : at(cats.indexOf(String(v)))),
      ticks: cats.map((c, i) => ({ at: at(i), label: c })),
    };
  }
  const nums = (values as number[]).filter(Number.isFinite);
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const span = hi - lo || 1;
  const scale = (v: number | string | null) =>
    v === null || !Number.isFinite(v as number) ? null : hi === lo ? 0.5 : ((v as number) - lo) / span;
  return {
    col,
    scale,
    ticks: nums.length
      ? [
          { at: scale(lo)!, label: formatNumber(lo) },
          { at: scale(hi)!, label: formatNumber(hi) },
        ]
      : [],
  };
}

/**
 * Parallel coordinates drawn as plain SVG, one polyline per run, params then metrics: plotly's
 * parcoords is WebGL-only, and its WebGL code cannot run under the host's CSP (see ./plotly.ts).
 */
export function ParallelCoords({ axes, rows, names, height = 320 }: Props) {
  const svg = useRef<SVGSVGElement>(null);
  const built = axes.map((c) => axisOf(c, rows));
  // Room from the labels themselves, so none is cut at the edge or runs into its neighbour's: axes
  // at least as far apart as the widest title, the ends padded by half a title or the first axis's ticks.
  const titles = built.map((a) => textWidth(a.col.key, TITLE_FONT));
  const firstTicks = Math.max(0, ...(built[0]?.ticks ?? []).map((t) => textWidth(t.label, TICK_FONT) + 8));
  const gap = Math.max(130, ...titles.map((w) => w + 16));
  const pad = {
    l: Math.max(60, (titles[0] ?? 0) / 2 + 8, firstTicks + 8),
    r: Math.max(60, (titles[titles.length - 1] ?? 0) / 2 + 8),
    t: 36,
    b: 28,
  };
  const width = Math.max(480, pad.l + pad.r + gap * Math.max(0, axes.length - 1));
  const x = (i: number) =>
    pad.l + (axes.length === 1 ? 0 : (i * (width - pad.l - pad.r)) / (axes.length - 1));
  const y = (t: number) => pad.t + (1 - t) * (height - pad.t - pad.b);

  return (
    <figure className="chart" data-testid="parallel-coords">
      <div className="chart__tools">
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => svg.current && void exportSvg(svg.current, 'parallel-coordinates', 'png')}
        >
          PNG
        </button>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => svg.current && void exportSvg(svg.current, 'parallel-coordinates', 'svg')}
        >
          SVG
        </button>
      </div>
      <div className="chart__scroll">
        <svg
          ref={svg}
          width={width}
          height={height}
          className="pc"
          role="img"
          aria-label="Parallel coordinates of params and metrics"
        >
          {rows.map((r, k) => {
            let d = '';
            let pen = false;
            built.forEach((a, i) => {
              const t = a.scale(cellValue(a.col, r));
              if (t === null) {
                pen = false;
                return;
              }
              d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(t).toFixed(1)}`;
              pen = true;
            });
            return (
              <path key={r} d={d} className="pc__line" style={{ stroke: colorOf(k) }}>
                <title>{names[k]}</title>
              </path>
            );
          })}
          {built.map((a, i) => (
            <g key={a.col.id} transform={`translate(${x(i)},0)`}>
              <line className="pc__axis" y1={y(0)} y2={y(1)} />
              <text className="pc__title" y={pad.t - 14} textAnchor="middle">
                {a.col.key}
              </text>
              {a.ticks.map((t) => (
                <text key={t.label} className="pc__tick" x={-4} y={y(t.at) + 4} textAnchor="end">
                  {t.label}
                </text>
              ))}
            </g>
          ))}
        </svg>
      </div>
    </figure>
  );
}
