/**
 * The one HTML report writer (validation, drift, review): a self-contained page with inline CSS and
 * SVG charts drawn from already-bounded data (histogram bins, top values, a few sample rows), no
 * scripts, no network, so it opens offline and stays a few hundred kilobytes whatever the data size.
 */

export const esc = (s: unknown): string =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** Trusted markup, already escaped: what the helpers below return and accept. */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });
const text = (v: Html | string | number | null | undefined): string =>
  typeof v === 'object' && v !== null ? v.html : esc(v);

const CSS = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#667085;--bg:#fff;--line:#d8dde6;--pass:#12805c;--warn:#a15c00;--fail:#c4291c;--skip:#667085;--bar:#4169e1;--ref:#b0b7c3}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#98a2b3;--bg:#14171d;--line:#2c323d;--pass:#3ecf8e;--warn:#f5a524;--fail:#ff6b5e;--bar:#7aa2ff;--ref:#5b6472}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px 32px;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:18px 0 6px}
.muted{color:var(--muted)}table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}code{font:12px ui-monospace,Menlo,Consolas,monospace}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.pass{background:var(--pass)}.warn{background:var(--warn)}.fail{background:var(--fail)}.error{background:var(--fail)}.skipped,.none{background:var(--skip)}
.samples{margin:2px 0 0;padding:0;list-style:none;font:12px ui-monospace,Menlo,Consolas,monospace;color:var(--muted)}
svg{display:block}.bar{fill:var(--bar)}.ref{fill:none;stroke:var(--ref);stroke-width:1.5}.axis{fill:var(--muted);font-size:10px}
.line{fill:none;stroke:var(--bar);stroke-width:1.2}.band{fill:var(--bar);opacity:.18}
pre{font:12px ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all;background:rgba(127,127,127,.08);padding:8px;margin:6px 0 12px}
.charts{display:flex;flex-wrap:wrap;gap:12px 24px}.charts figure{margin:0}.charts figcaption{font-size:12px;color:var(--muted)}
@media print{:root{color-scheme:light;--fg:#000;--muted:#444;--bg:#fff;--line:#bbb}body{padding:0;max-width:none;font-size:11px}
h2{break-after:avoid}table,figure,pre{break-inside:avoid}pre{white-space:pre-wrap}.badge{border:1px solid #000;color:#000;background:none}}
`;

export function page(title: string, subtitle: string, body: Html[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1><p class="muted">${esc(subtitle)}</p>
${body.map((b) => b.html).join('\n')}
</body></html>
`;
}

export const heading = (level: 2 | 3, s: string): Html => raw(`<h${level}>${esc(s)}</h${level}>`);
export const para = (s: Html | string, cls = ''): Html =>
  raw(`<p${cls ? ` class="${cls}"` : ''}>${text(s)}</p>`);
export const badge = (status: string, label = status): Html =>
  raw(`<span class="badge ${esc(status)}">${esc(label)}</span>`);
export const join = (parts: (Html | string)[]): Html => raw(parts.map(text).join(''));

export function table(
  head: string[],
  rows: (Html | string | number | null)[][],
  numeric: number[] = [],
): Html {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${text(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return raw(`<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`);
}

export function list(items: string[], cls = 'samples'): Html {
  return raw(`<ul class="${cls}">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`);
}

const fmt = (n: number) =>
  Math.abs(n) >= 1e5 || (n !== 0 && Math.abs(n) < 1e-3)
    ? n.toExponential(2)
    : String(Math.round(n * 1000) / 1000);

/**
 * Bars of counts (a histogram or top values), with the reference's shares drawn as an outline over
 * them: both are scaled to shares of their own totals, so versions of different sizes compare.
 */
export function barsSvg(
  counts: number[],
  reference: number[] | null,
  labels: { first: string; last: string },
  width = 240,
  height = 64,
): Html {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const refTotal = reference ? reference.reduce((a, b) => a + b, 0) || 1 : 1;
  const shares = counts.map((c) => c / total);
  const refShares = reference ? reference.map((c) => c / refTotal) : [];
  const top = Math.max(...shares, ...refShares, 1e-9);
  const h = height - 14;
  const w = width / Math.max(counts.length, 1);
  const bars = shares
    .map(
      (s, i) =>
        `<rect class="bar" x="${(i * w + 0.5).toFixed(1)}" y="${(h - (s / top) * h).toFixed(1)}" width="${Math.max(w - 1, 0.5).toFixed(1)}" height="${((s / top) * h).toFixed(1)}"/>`,
    )
    .join('');
  const ref = refShares.length
    ? `<polyline class="ref" points="${refShares.map((s, i) => `${(i * w).toFixed(1)},${(h - (s / top) * h).toFixed(1)} ${((i + 1) * w).toFixed(1)},${(h - (s / top) * h).toFixed(1)}`).join(' ')}"/>`
    : '';
  return raw(
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="distribution">${bars}${ref}<text class="axis" x="0" y="${height - 2}">${esc(labels.first)}</text><text class="axis" x="${width}" y="${height - 2}" text-anchor="end">${esc(labels.last)}</text></svg>`,
  );
}

export const number = fmt;

/**
 * A series as a line (bucket means) over a band (bucket min to max), from points already downsampled:
 * a million steps draw as the few hundred buckets given, so the page stays small.
 */
export function lineSvg(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  band: { mins: ArrayLike<number>; maxs: ArrayLike<number> } | null,
  width = 320,
  height = 120,
): Html {
  const n = xs.length;
  if (n === 0) return raw('<svg width="0" height="0"></svg>');
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, xs[i]);
    x1 = Math.max(x1, xs[i]);
    y0 = Math.min(y0, band ? band.mins[i] : ys[i]);
    y1 = Math.max(y1, band ? band.maxs[i] : ys[i]);
  }
  const h = height - 14;
  // The y range is written in a right margin and the x range under the plot, so no label covers the line.
  const pw = width - 44;
  const sx = (x: number) => (x1 > x0 ? ((x - x0) / (x1 - x0)) * pw : pw / 2).toFixed(1);
  const sy = (y: number) => (y1 > y0 ? h - ((y - y0) / (y1 - y0)) * (h - 2) - 1 : h / 2).toFixed(1);
  const pts: string[] = [];
  for (let i = 0; i < n; i++) pts.push(`${sx(xs[i])},${sy(ys[i])}`);
  let area = '';
  if (band) {
    const up: string[] = [];
    const down: string[] = [];
    for (let i = 0; i < n; i++) {
      up.push(`${sx(xs[i])},${sy(band.maxs[i])}`);
      down.push(`${sx(xs[n - 1 - i])},${sy(band.mins[n - 1 - i])}`);
    }
    area = `<polygon class="band" points="${up.join(' ')} ${down.join(' ')}"/>`;
  }
  return raw(
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="series">${area}<polyline class="line" points="${pts.join(' ')}"/><text class="axis" x="0" y="${height - 2}">${esc(fmt(x0))}</text><text class="axis" x="${pw}" y="${height - 2}" text-anchor="end">${esc(fmt(x1))}</text><text class="axis" x="${width}" y="10" text-anchor="end">${esc(fmt(y1))}</text><text class="axis" x="${width}" y="${h}" text-anchor="end">${esc(fmt(y0))}</text></svg>`,
  );
}

/** Preformatted text (a diff, a log), cut at `max` characters with a note saying how much was left out. */
export function pre(text: string, max = 200_000): Html {
  const cut = text.length > max;
  return raw(
    `<pre>${esc(cut ? text.slice(0, max) : text)}</pre>${cut ? `<p class="muted">${esc(`the first ${max} of ${text.length} characters`)}</p>` : ''}`,
  );
}
