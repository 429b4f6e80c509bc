// Small SVG charts for the Drift section: drawn from the stored windows (tens to hundreds of points),
// so SVG is quick and needs no chart library (docs/charts.md).
import type { ColumnDrift, Verdict } from '../../../shared/api/index.js';

export const fmt = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '–'
    : x !== 0 && Math.abs(x) < 1e-3
      ? x.toExponential(1)
      : Math.abs(x) >= 100
        ? x.toFixed(0)
        : x.toFixed(3);

/** How far past its threshold a verdict is: > 1 drifted, on a log scale so p-values and distances compare. */
export function severity(v: Verdict | null | undefined): number {
  if (!v) return 0;
  const r = v.driftWhen === 'above' ? v.value / v.threshold : v.threshold / Math.max(v.value, 1e-300);
  return Number.isFinite(r) ? r : 1e6;
}

interface TimelineProps {
  values: (number | null)[];
  threshold: number | null;
  driftWhen: 'above' | 'below';
  selected: number | null;
  marks?: number[];
  onSelect?: (i: number) => void;
  width?: number;
  height?: number;
  label: string;
}

/**
 * One feature's statistic per window against its threshold. Up is always towards drift: distances as
 * they are, p-values on an inverted log axis.
 */
export function Timeline({
  values,
  threshold,
  driftWhen,
  selected,
  marks = [],
  onSelect,
  width = 340,
  height = 70,
  label,
}: TimelineProps) {
  const log = driftWhen === 'below';
  const tx = (v: number) => (log ? -Math.log10(Math.max(v, 1e-300)) : v);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v)).map(tx);
  const all = threshold === null ? finite : [...finite, tx(threshold)];
  const lo = 0;
  let hi = Math.max(...all, log ? 2 * tx(threshold ?? 0.05) : 1e-9);
  hi += hi * 0.08;
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width / 2 : 6 + (i / (n - 1)) * (width - 12));
  const y = (v: number) => height - 4 - ((tx(v) - lo) / (hi - lo)) * (height - 8);
  const drifted = (v: number) =>
    threshold !== null && (driftWhen === 'above' ? v > threshold : v < threshold);
  const pts = values.map((v, i) =>
    v === null || !Number.isFinite(v) ? null : ([x(i), y(v), drifted(v)] as const),
  );
  return (
    <svg className="dr-chart" width={width} height={height} role="img" aria-label={label}>
      {threshold !== null && (
        <line className="dr-threshold" x1={0} x2={width} y1={y(threshold)} y2={y(threshold)} />
      )}
      {marks.map((m) => (
        <line key={`m${m}`} className="dr-detection" x1={x(m)} x2={x(m)} y1={0} y2={height} />
      ))}
      {selected !== null && selected < n && (
        <line className="dr-cursor" x1={x(selected)} x2={x(selected)} y1={0} y2={height} />
      )}
      <polyline
        className="dr-series"
        points={pts
          .filter(Boolean)
          .map((p) => `${p![0]},${p![1]}`)
          .join(' ')}
      />
      {pts.map((p, i) =>
        p ? (
          <circle
            key={i}
            className={p[2] ? 'dr-point dr-point--drift' : 'dr-point'}
            cx={p[0]}
            cy={p[1]}
            r={n > 60 ? 1.5 : 2.5}
            onClick={onSelect ? () => onSelect(i) : undefined}
          >
            <title>{`window ${i + 1}: ${fmt(values[i])}`}</title>
          </circle>
        ) : null,
      )}
    </svg>
  );
}

/** Reference (grey) and current (accent) distributions of one column in one window. */
export function Overlay({ column, width = 300 }: { column: ColumnDrift; width?: number }) {
  if (column.histogram) {
    const { reference, current, edges } = column.histogram;
    const height = 90;
    const hi = Math.max(...reference, ...current, 1e-9);
    const bw = width / reference.length;
    const bar = (v: number[], cls: string) =>
      v.map((p, i) => (
        <rect
          key={`${cls}${i}`}
          className={cls}
          x={i * bw + 0.5}
          width={Math.max(bw - 1, 1)}
          y={height - (p / hi) * height}
          height={(p / hi) * height}
        />
      ));
    return (
      <figure className="dr-overlay">
        <svg
          width={width}
          height={height + 14}
          role="img"
          aria-label={`${column.name}: reference and current histograms`}
        >
          {bar(reference, 'dr-ref')}
          {bar(current, 'dr-cur')}
          <text x={0} y={height + 12} className="dr-axis">
            {fmt(edges[0])}
          </text>
          <text x={width} y={height + 12} textAnchor="end" className="dr-axis">
            {fmt(edges[edges.length - 1])}
          </text>
        </svg>
      </figure>
    );
  }
  if (column.categories) {
    const cats = column.categories.slice(0, 8);
    const hi = Math.max(...cats.flatMap((c) => [c.reference, c.current]), 1e-9);
    const row = 22;
    const labelW = 90;
    return (
      <figure className="dr-overlay">
        <svg
          width={width}
          height={cats.length * row}
          role="img"
          aria-label={`${column.name}: reference and current category shares`}
        >
          {cats.map((c, i) => {
            const w = (v: number) => ((width - labelW - 44) * v) / hi;
            const isNew = column.newCategories?.includes(c.value);
            return (
              <g key={c.value} transform={`translate(0 ${i * row})`}>
                <text x={0} y={14} className={isNew ? 'dr-axis dr-axis--new' : 'dr-axis'}>
                  {c.value.length > 12 ? `${c.value.slice(0, 11)}…` : c.value}
                  {isNew ? ' (new)' : ''}
                </text>
                <rect className="dr-ref" x={labelW} y={2} width={w(c.reference)} height={8} />
                <rect className="dr-cur" x={labelW} y={11} width={w(c.current)} height={8} />
                <text x={labelW + Math.max(w(c.reference), w(c.current)) + 4} y={14} className="dr-axis">
                  {(c.current * 100).toFixed(1)}%
                </text>
              </g>
            );
          })}
        </svg>
      </figure>
    );
  }
  return <p className="muted">No values to draw.</p>;
}

/** Features × windows, coloured by severity; a click selects the window. */
export function Heatmap({
  names,
  windows,
  selected,
  onSelect,
}: {
  names: string[];
  windows: { index: number; columns: Map<string, ColumnDrift> }[];
  selected: number | null;
  onSelect: (i: number) => void;
}) {
  const cell = Math.max(6, Math.min(22, Math.floor(640 / Math.max(windows.length, 1))));
  const labelW = 110;
  return (
    <svg
      className="dr-heatmap"
      width={labelW + windows.length * cell + 4}
      height={names.length * 18 + 16}
      role="img"
      aria-label="Columns by window"
    >
      {names.map((n, r) => (
        <text key={n} x={labelW - 6} y={r * 18 + 13} textAnchor="end" className="dr-axis">
          {n.length > 16 ? `${n.slice(0, 15)}…` : n}
        </text>
      ))}
      {windows.map((w, c) =>
        names.map((n, r) => {
          const col = w.columns.get(n);
          const s = severity(col?.verdict);
          const t = Math.max(0, Math.min(1, Math.log2(Math.max(s, 1e-9)) / 3 + 0.5));
          const fill = !col?.verdict
            ? 'var(--bg-sunken)'
            : `hsl(${Math.round((1 - t) * 130)} 65% ${col.status === 'drift' ? 46 : 72}%)`;
          return (
            <rect
              key={`${c}-${n}`}
              x={labelW + c * cell}
              y={r * 18 + 2}
              width={cell - 1}
              height={16}
              fill={fill}
              className={w.index === selected ? 'dr-cell is-selected' : 'dr-cell'}
              onClick={() => onSelect(w.index)}
            >
              <title>{`${n}, window ${w.index + 1}: ${col?.status ?? 'absent'}${col?.verdict ? ` (${fmt(col.verdict.value)})` : ''}`}</title>
            </rect>
          );
        }),
      )}
      {windows.map((w, c) =>
        c % Math.ceil(windows.length / 12) === 0 ? (
          <text
            key={`l${c}`}
            x={labelW + c * cell + cell / 2}
            y={names.length * 18 + 14}
            textAnchor="middle"
            className="dr-axis"
          >
            {w.index + 1}
          </text>
        ) : null,
      )}
    </svg>
  );
}

/** A metric per window, with an optional band (CBPE's interval) and detection marks. */
export function SeriesChart({
  series,
  marks,
  selected,
  width = 560,
  height = 150,
  label,
  domain,
}: {
  series: { name: string; values: (number | null)[]; band?: [number, number][] | null; className: string }[];
  marks: number[];
  selected: number | null;
  width?: number;
  height?: number;
  label: string;
  domain?: [number, number];
}) {
  const n = Math.max(...series.map((s) => s.values.length), 1);
  const vals = series
    .flatMap((s) => [...s.values, ...(s.band ?? []).flat()])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = domain ?? [Math.min(...vals, 0), Math.max(...vals, 1e-9)];
  const left = 36;
  const x = (i: number) => (n <= 1 ? (left + width) / 2 : left + (i / (n - 1)) * (width - left - 8));
  const y = (v: number) => height - 16 - ((v - lo) / (hi - lo || 1)) * (height - 24);
  return (
    <svg className="dr-chart" width={width} height={height} role="img" aria-label={label}>
      <line className="dr-gridline" x1={left} x2={width} y1={y(lo)} y2={y(lo)} />
      <line className="dr-gridline" x1={left} x2={width} y1={y(hi)} y2={y(hi)} />
      <text x={left - 4} y={y(hi) + 4} textAnchor="end" className="dr-axis">
        {fmt(hi)}
      </text>
      <text x={left - 4} y={y(lo) + 4} textAnchor="end" className="dr-axis">
        {fmt(lo)}
      </text>
      {marks.map((m, k) => (
        <line key={`d${k}`} className="dr-detection" x1={x(m)} x2={x(m)} y1={4} y2={height - 16} />
      ))}
      {selected !== null && (
        <line className="dr-cursor" x1={x(selected)} x2={x(selected)} y1={4} y2={height - 16} />
      )}
      {series.map((s) =>
        s.band ? (
          <polygon
            key={`${s.name}-band`}
            className={`${s.className} dr-band`}
            points={[
              ...s.band.map((b, i) => `${x(i)},${y(b[1])}`),
              ...s.band.map((b, i) => `${x(i)},${y(b[0])}`).reverse(),
            ].join(' ')}
          />
        ) : null,
      )}
      {series.map((s) => (
        <polyline
          key={s.name}
          className={`${s.className} dr-series`}
          points={s.values
            .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i)},${y(v)}`))
            .filter(Boolean)
            .join(' ')}
        />
      ))}
      <text x={left} y={height - 2} className="dr-axis">
        window 1
      </text>
      <text x={width} y={height - 2} textAnchor="end" className="dr-axis">
        {n}
      </text>
    </svg>
  );
}
