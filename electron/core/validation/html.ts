import { rebin, type ColumnProfile } from '../../../shared/api/stats.js';
import type { CheckResult, ProfileView, ValidationReport } from '../../../shared/api/validation.js';
import { badge, barsSvg, heading, join, list, number, page, para, table, type Html } from '../report/html.js';

const statusLabel = (c: CheckResult) => (c.status === 'fail' && c.severity === 'warn' ? 'warn' : c.status);

function checksTable(checks: CheckResult[]): Html {
  return table(
    ['Status', 'Check', 'Severity', 'Failing', 'Result'],
    checks.map((c) => [
      badge(statusLabel(c)),
      c.label,
      c.severity,
      c.status === 'fail' ? `${c.failing} of ${c.total}` : '',
      join([
        c.message,
        c.samples.length
          ? list(
              c.samples.map(
                (s) =>
                  `row ${s.row}: ${Object.entries(s.values)
                    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                    .join(', ')}`,
              ),
            )
          : '',
      ]),
    ]),
    [3],
  );
}

function distribution(c: ColumnProfile, ref: ColumnProfile | null): Html | string {
  if (c.histogram) {
    return barsSvg(c.histogram.counts, ref?.histogram ? rebin(ref.histogram, c.histogram.edges) : null, {
      first: number(c.histogram.edges[0]),
      last: number(c.histogram.edges[c.histogram.edges.length - 1]),
    });
  }
  if (c.top?.length) {
    const refCounts = ref?.top
      ? c.top.map((t) => ref.top!.find((r) => r.value === t.value)?.count ?? 0)
      : null;
    return join([
      barsSvg(
        c.top.map((t) => t.count),
        refCounts,
        { first: c.top[0].value, last: c.top[c.top.length - 1].value },
      ),
    ]);
  }
  return '';
}

function profileTable(view: ProfileView): Html[] {
  if (!view.profile) return [para(view.error ?? 'no profile', 'muted')];
  const refCols = new Map((view.reference?.columns ?? []).map((c) => [c.name, c]));
  return [
    para(
      `${view.profile.rows} rows · ${view.profile.columns.length} columns${view.referenceVersion !== null ? ` · outline: version ${view.referenceVersion} (${view.reference?.rows} rows)` : ''}`,
      'muted',
    ),
    table(
      ['Column', 'Type', 'Nulls', 'Distinct', 'Min', 'Max', 'Mean', 'Std', 'Distribution'],
      view.profile.columns.map((c) => [
        c.name,
        c.sqlType,
        c.nulls,
        c.distinct,
        c.min === null ? '' : typeof c.min === 'number' ? number(c.min) : c.min,
        c.max === null ? '' : typeof c.max === 'number' ? number(c.max) : c.max,
        c.mean === null ? '' : number(c.mean),
        c.std === null ? '' : number(c.std),
        distribution(c, refCols.get(c.name) ?? null),
      ]),
      [2, 3, 4, 5, 6, 7],
    ),
  ];
}

/** A validation report with its column profiles as one self-contained HTML page. */
export function validationHtml(report: ValidationReport, profiles: ProfileView[]): string {
  const c = report.counts;
  const body: Html[] = [
    para(
      join([
        badge(report.status, report.status.toUpperCase()),
        ` ${c.passed} passed · ${c.failed} failed · ${c.warned} warnings · ${c.skipped} skipped · ${c.errors} errors`,
        report.reference !== null ? ` · compared with version ${report.reference}` : '',
      ]),
    ),
  ];
  if (report.fileChecks.length) body.push(heading(2, 'Files'), checksTable(report.fileChecks));
  for (const f of report.files) {
    body.push(heading(2, `${f.path}${f.rows !== null ? ` (${f.rows} rows)` : ''}`));
    if (f.error) body.push(para(join([badge('error'), ' ', f.error])));
    if (f.checks.length) body.push(checksTable(f.checks));
    const view = profiles.find((p) => p.path === f.path);
    if (view) body.push(heading(3, 'Column profiles'), ...profileTable(view));
  }
  return page(
    `Validation of ${report.artifact}@${report.version} (${report.name})`,
    `Checked ${report.createdAt} in ${report.durationMs} ms · rules ${report.rulesHash.slice(0, 12)} · Strata`,
    body,
  );
}
