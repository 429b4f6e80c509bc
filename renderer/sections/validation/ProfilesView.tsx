import type { ColumnProfile, ProfileView } from '../../../shared/api/index.js';
import { rebin } from '../../../shared/api/stats.js';
import { Bars } from './Bars.js';
import { num } from './format.js';

function Distribution({ c, ref }: { c: ColumnProfile; ref: ColumnProfile | null }) {
  if (c.histogram) {
    const e = c.histogram.edges;
    return (
      <Bars
        counts={c.histogram.counts}
        reference={ref?.histogram ? rebin(ref.histogram, e) : null}
        first={num(e[0])}
        last={num(e[e.length - 1])}
      />
    );
  }
  if (c.top?.length) {
    const refCounts = ref?.top
      ? c.top.map((t) => ref.top!.find((r) => r.value === t.value)?.count ?? 0)
      : null;
    return (
      <Bars
        counts={c.top.map((t) => t.count)}
        reference={refCounts}
        first={c.top[0].value}
        last={c.top.length > 1 ? c.top[c.top.length - 1].value : ''}
      />
    );
  }
  return null;
}

const cell = (v: number | string | null) =>
  v === null ? (
    ''
  ) : typeof v === 'number' ? (
    num(v)
  ) : (
    <span className="vl-clip" title={v}>
      {v}
    </span>
  );

/** Per-column statistics of each file, the reference version's distribution outlined. */
export function ProfilesView({ views }: { views: ProfileView[] }) {
  return (
    <section className="vl-pane" data-testid="profiles">
      {views.map((v) => {
        const refCols = new Map((v.reference?.columns ?? []).map((c) => [c.name, c]));
        return (
          <div key={v.path}>
            <h3 className="vl-h3">
              Profile of {v.path}{' '}
              {v.profile && (
                <span className="muted">
                  {v.profile.rows.toLocaleString()} rows
                  {v.referenceVersion !== null && ` · outline: @${v.referenceVersion}`}
                </span>
              )}
            </h3>
            {v.error && <p className="vl-file-error">{v.error}</p>}
            {v.profile && (
              <table className="vl-grid vl-profile">
                <thead>
                  <tr>
                    <th>Column</th>
                    <th>Type</th>
                    <th className="vl-num">Nulls</th>
                    <th className="vl-num">Distinct</th>
                    <th className="vl-num">Min</th>
                    <th className="vl-num">Max</th>
                    <th className="vl-num">Mean</th>
                    <th>Distribution</th>
                  </tr>
                </thead>
                <tbody>
                  {v.profile.columns.map((c) => (
                    <tr key={c.name} data-testid="profile-column">
                      <td>
                        <strong>{c.name}</strong>
                      </td>
                      <td>
                        <code>{c.sqlType}</code>
                      </td>
                      <td className="vl-num">{c.nulls}</td>
                      <td className="vl-num">{c.distinct}</td>
                      <td className="vl-num">{cell(c.min)}</td>
                      <td className="vl-num">{cell(c.max)}</td>
                      <td className="vl-num">{cell(c.mean)}</td>
                      <td>
                        <Distribution c={c} ref={refCols.get(c.name) ?? null} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </section>
  );
}
