import type { CheckResult, ValidationReport } from '../../../shared/api/index.js';
import { checkStatus, sampleLine } from './format.js';

function Checks({ checks }: { checks: CheckResult[] }) {
  return (
    <table className="vl-grid" data-testid="checks">
      <thead>
        <tr>
          <th>Status</th>
          <th>Check</th>
          <th className="vl-num">Failing</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c, i) => {
          const status = checkStatus(c);
          return (
            <tr key={i} data-testid="check" data-status={status}>
              <td>
                <span className={`vl-status vl-status--${status}`}>{status}</span>
              </td>
              <td>
                {c.label}
                {c.severity === 'warn' && <span className="muted"> · warn</span>}
              </td>
              <td className="vl-num">{c.status === 'fail' ? `${c.failing} of ${c.total}` : ''}</td>
              <td>
                <div>{c.message}</div>
                {c.samples.length > 0 && (
                  <ul className="vl-samples" data-testid="samples">
                    {c.samples.map((s) => (
                      <li key={s.row}>
                        <span className="vl-row">row {s.row}</span> {sampleLine(s.values)}
                      </li>
                    ))}
                  </ul>
                )}
                {c.status === 'error' && c.where?.line !== undefined && (
                  <div className="muted">strata.yaml line {c.where.line}</div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Every check of a report, per file, with counts and the first failing rows. */
export function ReportView({ report }: { report: ValidationReport }) {
  const c = report.counts;
  return (
    <section className="vl-pane" data-testid="report">
      <div className="vl-summary">
        <span className={`vl-status vl-status--${report.status} vl-status--big`} data-testid="report-status">
          {report.status}
        </span>
        <span>
          {c.passed} passed · {c.failed} failed · {c.warned} warnings · {c.skipped} skipped · {c.errors}{' '}
          errors
        </span>
        <span className="muted">
          {report.reference !== null ? `compared with @${report.reference} · ` : ''}
          {report.cached ? 'stored report' : `${report.durationMs} ms`}
        </span>
      </div>
      {report.fileChecks.length > 0 && (
        <>
          <h3 className="vl-h3">Files</h3>
          <Checks checks={report.fileChecks} />
        </>
      )}
      {report.files.map((f) => (
        <div key={f.path}>
          <h3 className="vl-h3">
            {f.path} {f.rows !== null && <span className="muted">{f.rows.toLocaleString()} rows</span>}
          </h3>
          {f.error && (
            <p className="vl-file-error" data-testid="file-error">
              {f.error}
            </p>
          )}
          {f.checks.length > 0 && <Checks checks={f.checks} />}
        </div>
      ))}
    </section>
  );
}
