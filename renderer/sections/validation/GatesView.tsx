import type { GateReport } from '../../../shared/api/index.js';
import { num } from './format.js';

/** Per model: the latest version's gates, each beside the champion's value. */
export function GatesView({ reports, onExport }: { reports: GateReport[]; onExport(r: GateReport): void }) {
  if (reports.length === 0) return null;
  return (
    <section className="vl-pane" data-testid="gates">
      <h3 className="vl-h3">Model gates</h3>
      {reports.map((r) => (
        <div key={r.artifact} data-testid={`gates-${r.artifact}`}>
          <p className="vl-summary">
            <span className={`vl-status vl-status--${r.status === 'none' ? 'skipped' : r.status}`}>
              {r.status}
            </span>
            <strong>
              {r.artifact}@{r.version}
            </strong>
            <span className="muted">
              {r.champion === null ? 'no champion yet' : `champion: @${r.champion}`}
              {r.runId ? ` · run ${r.runId.slice(0, 8)}` : ''}
            </span>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => onExport(r)}
              data-testid={`export-gates-${r.artifact}`}
            >
              Export HTML
            </button>
          </p>
          <table className="vl-grid">
            <thead>
              <tr>
                <th>Status</th>
                <th>Gate</th>
                <th className="vl-num">Value</th>
                <th className="vl-num">Champion</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {r.gates.map((g, i) => (
                <tr key={i} data-testid="gate" data-status={g.status}>
                  <td>
                    <span className={`vl-status vl-status--${g.status}`}>{g.status}</span>
                  </td>
                  <td>{g.label}</td>
                  <td className="vl-num">{g.value === null ? '' : num(g.value)}</td>
                  <td className="vl-num">{g.champion === null ? '' : num(g.champion)}</td>
                  <td>{g.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
