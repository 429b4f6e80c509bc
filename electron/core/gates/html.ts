import type { GateReport } from '../../../shared/api/gates.js';
import { badge, heading, join, number, page, para, table } from '../report/html.js';

/** A model version's gate results beside the champion's values, as one self-contained HTML page. */
export function gatesHtml(report: GateReport): string {
  const body = [
    para(
      join([
        badge(report.status === 'none' ? 'none' : report.status, report.status.toUpperCase()),
        report.champion === null
          ? ' no champion yet'
          : ` compared with the champion, version ${report.champion}`,
        report.runId ? ` · run ${report.runId}` : '',
      ]),
    ),
    table(
      ['Status', 'Gate', 'Value', 'Champion', 'Result'],
      report.gates.map((g) => [
        badge(g.status),
        g.label,
        g.value === null ? '' : number(g.value),
        g.champion === null ? '' : number(g.champion),
        g.message,
      ]),
      [2, 3],
    ),
  ];
  if (report.overrides.length)
    body.push(
      heading(2, 'Overrides'),
      table(
        ['When', 'Who', 'Alias', 'Reason', 'Failing gates then'],
        report.overrides.map((o) => [
          o.at,
          o.who,
          o.alias,
          o.reason,
          o.failures.map((f) => f.label).join('; '),
        ]),
      ),
    );
  return page(`Gates of ${report.artifact}@${report.version}`, 'Strata model gates', body);
}
