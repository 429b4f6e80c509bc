import type { CheckTrend } from '../../../shared/api/index.js';

/** Each check across the versions that were validated, oldest left. */
export function TrendView({ trends }: { trends: CheckTrend[] }) {
  const versions = [...new Set(trends.flatMap((t) => t.points.map((p) => p.version)))].sort((a, b) => a - b);
  if (versions.length === 0) return null;
  return (
    <section className="vl-pane" data-testid="trend">
      <h3 className="vl-h3">Checks across versions</h3>
      <table className="vl-grid vl-trend">
        <thead>
          <tr>
            <th>Check</th>
            {versions.map((v) => (
              <th key={v} className="vl-center">
                @{v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {trends.map((t) => (
            <tr key={t.label}>
              <td>{t.label}</td>
              {versions.map((v) => {
                const p = t.points.find((x) => x.version === v);
                const status = !p ? 'none' : p.status === 'fail' && t.severity === 'warn' ? 'warn' : p.status;
                return (
                  <td
                    key={v}
                    className="vl-center"
                    title={p ? `${status}${p.failing ? `: ${p.failing} failing` : ''}` : 'not validated'}
                  >
                    <span className={`vl-dot vl-dot--${status}`} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
