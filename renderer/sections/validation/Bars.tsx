interface Props {
  counts: number[];
  /** the reference version's counts over the same bins, drawn as an outline */
  reference: number[] | null;
  first: string;
  last: string;
  width?: number;
  height?: number;
}

/** A distribution as bars of shares, the reference's shares outlined over them (the HTML report draws the same). */
export function Bars({ counts, reference, first, last, width = 120, height = 44 }: Props) {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const refTotal = reference ? reference.reduce((a, b) => a + b, 0) || 1 : 1;
  const shares = counts.map((c) => c / total);
  const refShares = reference ? reference.map((c) => c / refTotal) : [];
  const top = Math.max(...shares, ...refShares, 1e-9);
  const h = height - 12;
  const w = width / Math.max(counts.length, 1);
  const y = (s: number) => h - (s / top) * h;
  // Each end label gets half the width (about 6 px a character at this size).
  const room = Math.floor(width / 2 / 6);
  const clip = (t: string) => (t.length > room ? `${t.slice(0, room - 1)}…` : t);
  return (
    <svg width={width} height={height} className="vl-bars" role="img" aria-label="distribution">
      {shares.map((s, i) => (
        <rect
          key={i}
          className="vl-bar"
          x={i * w + 0.5}
          y={y(s)}
          width={Math.max(w - 1, 0.5)}
          height={h - y(s)}
        />
      ))}
      {refShares.length > 0 && (
        <polyline
          className="vl-ref"
          points={refShares.map((s, i) => `${i * w},${y(s)} ${(i + 1) * w},${y(s)}`).join(' ')}
        />
      )}
      <text className="vl-axis" x={0} y={height - 1}>
        {clip(first)}
      </text>
      <text className="vl-axis" x={width} y={height - 1} textAnchor="end">
        {clip(last)}
      </text>
    </svg>
  );
}
