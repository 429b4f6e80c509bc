// A monitor's drift report as one self-contained HTML file: inline CSS, SVG charts drawn from the
// stored windows (a few hundred points at most), no scripts, no network.
import type { ColumnDrift, MonitorState } from '../../../shared/api/drift.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '–'
    : Math.abs(x) < 1e-3 && x !== 0
      ? x.toExponential(2)
      : x.toFixed(3);

function line(
  values: (number | null)[],
  threshold: number | null,
  w = 220,
  h = 60,
  marks: number[] = [],
): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = Math.max(...finite, threshold ?? 0, 1e-9) * 1.1;
  const x = (i: number) => (values.length <= 1 ? w / 2 : (i / (values.length - 1)) * (w - 8) + 4);
  const y = (v: number) => h - 4 - (v / hi) * (h - 8);
  const pts = values
    .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const th =
    threshold === null ? '' : `<line x1="0" x2="${w}" y1="${y(threshold)}" y2="${y(threshold)}" class="th"/>`;
  const mk = marks.map((i) => `<line x1="${x(i)}" x2="${x(i)}" y1="0" y2="${h}" class="mark"/>`).join('');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${th}${mk}<polyline points="${pts}" class="series"/></svg>`;
}

function overlay(c: ColumnDrift, w = 320, h = 110): string {
  if (c.histogram) {
    const { reference, current } = c.histogram;
    const hi = Math.max(...reference, ...current, 1e-9);
    const bw = w / reference.length;
    const bars = (v: number[], cls: string) =>
      v
        .map(
          (p, i) =>
            `<rect x="${i * bw}" y="${h - (p / hi) * h}" width="${bw - 1}" height="${(p / hi) * h}" class="${cls}"/>`,
        )
        .join('');
    return `<svg width="${w}" height="${h}">${bars(reference, 'ref')}${bars(current, 'cur')}</svg>`;
  }
  if (c.categories) {
    const cats = c.categories.slice(0, 10);
    const hi = Math.max(...cats.flatMap((k) => [k.reference, k.current]), 1e-9);
    const rowH = 16;
    return `<svg width="${w}" height="${cats.length * rowH * 2 + 4}">${cats
      .map((k, i) => {
        const y = i * rowH * 2;
        return `<text x="0" y="${y + 12}">${esc(k.value.slice(0, 14))}</text><rect x="100" y="${y + 2}" width="${((w - 110) * k.reference) / hi}" height="${rowH - 3}" class="ref"/><rect x="100" y="${y + rowH}" width="${((w - 110) * k.current) / hi}" height="${rowH - 3}" class="cur"/>`;
      })
      .join('')}</svg>`;
  }
  return '';
}

function heatColor(c: ColumnDrift | undefined): string {
  if (!c || !c.verdict) return '#eee';
  const v = c.verdict;
  const ratio = v.driftWhen === 'above' ? v.value / v.threshold : v.threshold / Math.max(v.value, 1e-300);
  const t = Math.max(0, Math.min(1, Math.log2(Math.max(ratio, 1e-9)) / 2 + 0.5));
  return `hsl(${(1 - t) * 120}, 70%, ${c.status === 'drift' ? 45 : 80}%)`;
}

export function driftReportHtml(s: MonitorState): string {
  const last = s.windows.at(-1);
  const names = last ? last.report.columns.map((c) => c.name) : [];
  const detectionsByWindow = [...new Set(s.detections.map((d) => d.window))];
  const timeline = names
    .map((n) => {
      const cols = s.windows.map((w) => w.report.columns.find((c) => c.name === n));
      const th = cols.find((c) => c?.verdict)?.verdict?.threshold ?? null;
      return `<div class="card"><h4>${esc(n)}</h4>${line(
        cols.map((c) => c?.verdict?.value ?? null),
        th,
      )}<div class="muted">${esc(cols.at(-1)?.verdict?.method ?? '')}</div></div>`;
    })
    .join('');
  const heat = `<table class="heat"><tr><th></th>${s.windows.map((w) => `<th>${w.index + 1}</th>`).join('')}</tr>${names
    .map(
      (n) =>
        `<tr><th>${esc(n)}</th>${s.windows
          .map((w) => `<td style="background:${heatColor(w.report.columns.find((c) => c.name === n))}"></td>`)
          .join('')}</tr>`,
    )
    .join('')}</table>`;
  const rows = (last?.report.columns ?? [])
    .map(
      (c) =>
        `<tr class="${c.status === 'drift' ? 'drift' : ''}"><td>${esc(c.name)}</td><td>${c.kind}</td><td>${c.status}</td><td>${fmt(c.ks?.statistic)}</td><td>${fmt(c.ks?.pvalue)}</td><td>${fmt(c.wasserstein?.normalised)}</td><td>${fmt(c.psi?.value)}</td><td>${fmt(c.chi2?.pvalue)}</td><td>${fmt(c.jensenShannon?.distance)}</td><td>${fmt(c.missingShareChange)}</td><td>${esc(c.message ?? '')}</td></tr>`,
    )
    .join('');
  const overlays = (last?.report.columns ?? [])
    .filter((c) => c.histogram || c.categories)
    .map((c) => `<div class="card"><h4>${esc(c.name)}</h4>${overlay(c)}</div>`)
    .join('');
  const perf = s.windows.map((w) => w.performance?.accuracy ?? w.performance?.mae ?? null);
  const est = s.windows.map((w) => w.estimated?.accuracy ?? null);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Drift report: ${esc(s.name)}</title><style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.alert{background:#fde8e8;border:1px solid #e99;padding:8px 12px;border-radius:4px}.ok{background:#e8f6ea;border:1px solid #9c9;padding:8px 12px;border-radius:4px}
.grid{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:4px;padding:8px}.card h4{margin:0 0 4px;font-size:13px}
.muted{color:#777;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;font-size:12px;text-align:left}
tr.drift td{background:#fdeeee}.heat td{width:14px;height:14px;padding:0}.series{fill:none;stroke:#2563eb;stroke-width:1.5}
.th{stroke:#dc2626;stroke-dasharray:4 3}.mark{stroke:#f59e0b;stroke-width:2}.ref{fill:#9ca3af;opacity:.7}.cur{fill:#2563eb;opacity:.6}text{font-size:11px}
</style></head><body>
<h1>Drift report: ${esc(s.name)}</h1>
<p class="muted">Reference ${esc(s.reference)} · logs ${esc(s.source)} · ${s.windows.length} windows · ${s.labels.joined} labelled predictions · generated ${new Date().toISOString()}</p>
<p class="${s.alert ? 'alert' : 'ok'}">${
    s.alert
      ? `Alert: ${last ? last.report.drifted : 0} drifted columns in window ${last ? last.index + 1 : '–'}${s.detections.length ? `; concept drift detected in windows ${detectionsByWindow.map((w) => w + 1).join(', ')}` : ''}.`
      : 'No alert in the newest window.'
  }</p>
<h2>Newest window: every statistic</h2><table><tr><th>column</th><th>kind</th><th>status</th><th>KS D</th><th>KS p</th><th>W1/std</th><th>PSI</th><th>χ² p</th><th>JS</th><th>Δ missing</th><th>verdict</th></tr>${rows}</table>
<h2>Statistic per window (dashed: threshold)</h2><div class="grid">${timeline}</div>
<h2>Columns × windows</h2>${heat}
<h2>Reference (grey) and newest window (blue)</h2><div class="grid">${overlays}</div>
<h2>Performance per window</h2><div class="grid"><div class="card"><h4>measured (${esc(s.detections.length ? 'orange: detections' : 'no detections')})</h4>${line(perf, null, 320, 80, detectionsByWindow)}</div><div class="card"><h4>estimated accuracy (CBPE)</h4>${line(est, null, 320, 80)}</div></div>
</body></html>`;
}
