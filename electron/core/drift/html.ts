// A monitor's drift report as one self-contained HTML file, through the shared report writer
// (report/html.ts: inline CSS, SVG, no scripts, no network). The charts are drawn from the stored
// windows: one point per window per column.
import type { ColumnDrift, DriftReportContent } from '../../../shared/api/drift.js';
import { badge, barsSvg, esc, heading, number, page, para, raw, table, type Html } from '../report/html.js';

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : number(x);

/**
 * A statistic per window against its threshold (dashed), detections as vertical marks. Up is towards
 * drift, as in the app: p-values are drawn as −log10(p). A band (an estimate's interval per window)
 * is shaded behind the line, one polygon per run of windows that have one, as the app draws it.
 */
function lineSvg(
  series: (number | null)[],
  limit: number | null,
  opts: {
    marks?: number[];
    pvalue?: boolean;
    max?: number;
    width?: number;
    height?: number;
    band?: ([number, number] | null)[];
  } = {},
): Html {
  const { marks = [], pvalue = false, width = 260, height = 60, band = [] } = opts;
  const tx = (v: number) => (pvalue ? -Math.log10(Math.max(v, 1e-300)) : v);
  const values = series.map((v) => (v === null ? null : tx(v)));
  const threshold = limit === null ? null : tx(limit);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = opts.max ?? Math.max(...finite, (threshold ?? 0) * (pvalue ? 2 : 1), 1e-9) * 1.1;
  const x = (i: number) => (values.length <= 1 ? width / 2 : 4 + (i / (values.length - 1)) * (width - 8));
  const y = (v: number) => height - 4 - (v / hi) * (height - 8);
  const pts = values
    .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const th =
    threshold === null
      ? ''
      : `<line x1="0" x2="${width}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}" stroke="var(--fail)" stroke-dasharray="4 3"/>`;
  const mk = marks
    .map(
      (m) => `<line x1="${x(m)}" x2="${x(m)}" y1="0" y2="${height}" stroke="var(--warn)" stroke-width="2"/>`,
    )
    .join('');
  const runs: number[][] = [];
  band.forEach((b, i) => {
    if (!b || !b.every(Number.isFinite)) return;
    const run = runs.at(-1);
    if (run && run.at(-1) === i - 1) run.push(i);
    else runs.push([i]);
  });
  const shade = runs
    .map((run) => {
      // A lone window gets a sliver of width, so its interval still shows.
      const xs = run.length === 1 ? [x(run[0]) - 2, x(run[0]) + 2] : run.map(x);
      const at = (k: number) => band[run[Math.min(k, run.length - 1)]]!;
      const upper = xs.map((px, k) => `${px.toFixed(1)},${y(tx(at(k)[1])).toFixed(1)}`);
      const lower = xs.map((px, k) => `${px.toFixed(1)},${y(tx(at(k)[0])).toFixed(1)}`).reverse();
      return `<polygon class="band" points="${[...upper, ...lower].join(' ')}"/>`;
    })
    .join('');
  return raw(
    `<svg width="${width}" height="${height}" role="img" aria-label="per window">${shade}${th}${mk}<polyline points="${pts}" fill="none" stroke="var(--bar)" stroke-width="1.5"/></svg>`,
  );
}

/** Columns × windows: red where the column drifted, green where it did not, grey without a verdict. */
function heatmapSvg(names: string[], s: DriftReportContent): Html {
  const cell = Math.max(4, Math.min(18, Math.floor(700 / Math.max(s.windows.length, 1))));
  const labelW = 140;
  const rects = names
    .map((n, r) =>
      s.windows
        .map((w, c) => {
          const col = w.report.columns.find((k) => k.name === n);
          const fill = !col?.verdict ? 'var(--line)' : col.status === 'drift' ? 'var(--fail)' : 'var(--pass)';
          return `<rect x="${labelW + c * cell}" y="${r * 16}" width="${cell - 1}" height="14" fill="${fill}"><title>${esc(n)}, window ${w.index + 1}: ${esc(col?.status ?? 'absent')}</title></rect>`;
        })
        .join(''),
    )
    .join('');
  const labels = names
    .map(
      (n, r) => `<text class="axis" x="${labelW - 6}" y="${r * 16 + 11}" text-anchor="end">${esc(n)}</text>`,
    )
    .join('');
  return raw(
    `<svg width="${labelW + s.windows.length * cell + 4}" height="${names.length * 16 + 4}" role="img" aria-label="columns by window">${labels}${rects}</svg>`,
  );
}

function overlay(c: ColumnDrift): Html | null {
  if (c.histogram)
    return barsSvg(c.histogram.current, c.histogram.reference, {
      first: fmt(c.histogram.edges[0]),
      last: fmt(c.histogram.edges[c.histogram.edges.length - 1]),
    });
  if (c.categories)
    return barsSvg(
      c.categories.map((k) => k.current),
      c.categories.map((k) => k.reference),
      { first: c.categories[0]?.value ?? '', last: c.categories.at(-1)?.value ?? '' },
    );
  return null;
}

/** The page, drawn only from the report's content; it names the JSON file that content is, by hash. */
export function driftReportHtml(s: DriftReportContent, jsonSha256: string): string {
  const last = s.windows.at(-1);
  const names = last ? last.report.columns.map((c) => c.name) : [];
  const detectionWindows = [...new Set(s.detections.map((d) => d.window))];
  const body: Html[] = [];
  const drifted =
    last?.report.columns.filter((c) => c.status === 'drift' || c.status === 'missing_in_current') ?? [];
  body.push(
    para(
      raw(
        `${badge(s.alert ? 'fail' : 'pass', s.alert ? 'alert' : 'no alert').html} ${esc(
          last
            ? `Window ${last.index + 1} (rows ${last.firstRow + 1}–${last.firstRow + last.rows}): ${drifted.length} of ${last.report.judged} columns drifted${drifted.length ? `: ${drifted.map((c) => c.name).join(', ')}` : ''}.`
            : 'No full window yet.',
        )}${s.detections.length ? esc(` Concept drift in windows ${detectionWindows.map((w) => w + 1).join(', ')}.`) : ''}`,
      ),
    ),
  );
  if (s.malformed.count)
    body.push(
      para(
        `${s.malformed.count} malformed log lines were skipped, first: ${s.malformed.first
          .slice(0, 5)
          .map((m) => `${m.file}:${m.line} (${m.reason})`)
          .join('; ')}`,
        'muted',
      ),
    );
  if (last) {
    body.push(heading(2, 'Newest window: every statistic'));
    body.push(
      table(
        ['column', 'kind', 'status', 'KS D', 'KS p', 'W₁/std', 'PSI', 'χ² p', 'JS', 'Δ missing', 'verdict'],
        last.report.columns.map((c) => [
          c.name,
          c.kind,
          badge(
            c.status === 'drift' || c.status === 'missing_in_current'
              ? 'fail'
              : c.status === 'ok'
                ? 'pass'
                : 'none',
            c.status,
          ),
          fmt(c.ks?.statistic),
          fmt(c.ks?.pvalue),
          fmt(c.wasserstein?.normalised),
          fmt(c.psi?.value),
          fmt(c.chi2?.pvalue),
          fmt(c.jensenShannon?.distance),
          fmt(c.missingShareChange),
          c.message ?? '',
        ]),
        [3, 4, 5, 6, 7, 8, 9],
      ),
    );
    body.push(heading(2, 'Each column per window (dashed: threshold)'));
    body.push(
      table(
        ['column', 'deciding statistic per window', 'statistic'],
        names.map((n) => {
          const cols = s.windows.map((w) => w.report.columns.find((c) => c.name === n));
          const v = cols.find((c) => c?.verdict)?.verdict ?? null;
          return [
            n,
            lineSvg(
              cols.map((c) => c?.verdict?.value ?? null),
              v?.threshold ?? null,
              { pvalue: v?.driftWhen === 'below' },
            ),
            v ? `${v.method}${v.driftWhen === 'below' ? ' (−log10 p)' : ''}` : '',
          ];
        }),
      ),
    );
    body.push(heading(2, 'Columns × windows'));
    body.push(heatmapSvg(names, s));
    body.push(heading(2, `Window ${last.index + 1} (bars) against the reference (outline)`));
    body.push(
      table(
        ['column', 'distribution', 'new categories'],
        last.report.columns
          .map((c) => [c.name, overlay(c), (c.newCategories ?? []).join(', ')] as (Html | string | null)[])
          .filter((r) => r[1] !== null),
      ),
    );
  }
  if (s.windows.some((w) => w.performance || w.estimated)) {
    body.push(heading(2, 'Model performance per window'));
    body.push(
      table(
        [
          'measured (marks: concept-drift detections)',
          'estimated accuracy (CBPE), an estimate (shaded: 95% band)',
        ],
        [
          [
            lineSvg(
              s.windows.map((w) => w.performance?.accuracy ?? w.performance?.mae ?? null),
              null,
              {
                marks: detectionWindows,
                max: s.windows.some((w) => w.performance?.mae !== undefined) ? undefined : 1,
                width: 320,
                height: 80,
              },
            ),
            lineSvg(
              s.windows.map((w) => w.estimated?.accuracy ?? null),
              null,
              {
                max: 1,
                width: 320,
                height: 80,
                band: s.windows.map((w): [number, number] | null =>
                  w.estimated ? [w.estimated.low, w.estimated.high] : null,
                ),
              },
            ),
          ],
        ],
      ),
    );
  }
  return page(
    `Drift report: ${s.name}`,
    `Reference ${s.reference} · logs ${s.source} · ${s.windows.length} windows · ${s.labels.joined} labelled predictions · data: sha256 ${jsonSha256}`,
    body,
  );
}
