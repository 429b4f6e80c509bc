import { useEffect, useState } from 'react';
import type { Api } from '../../../shared/api/index.js';
import type { DiffValue, RunDiff } from '../../../shared/api/compare.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { formatNumber } from '../../components/runs-table/format.js';
import { href, navigate } from '../../stores/route.js';

const show = (v: DiffValue['values'][number]) =>
  v === null ? '—' : typeof v === 'number' ? formatNumber(v) : String(v);

function RunHead({ names }: { names: string[] }) {
  return (
    <thead>
      <tr>
        <th />
        {names.map((n, i) => (
          <th key={i}>{n}</th>
        ))}
      </tr>
    </thead>
  );
}

function DiffTable({
  title,
  rows,
  onlyDiff,
  testId,
  names,
}: {
  title: string;
  rows: Record<string, DiffValue>;
  onlyDiff: boolean;
  testId: string;
  names: string[];
}) {
  const keys = Object.keys(rows).filter((k) => !onlyDiff || rows[k].differs);
  const differing = Object.values(rows).filter((r) => r.differs).length;
  return (
    <section className="diff-block" data-testid={testId}>
      <h3>
        {title}{' '}
        <span className="muted">
          ({differing} of {Object.keys(rows).length} differ)
        </span>
      </h3>
      {keys.length === 0 ? (
        <p className="muted">{onlyDiff && Object.keys(rows).length ? 'All the same.' : 'None recorded.'}</p>
      ) : (
        <table className="diff-table">
          <RunHead names={names} />
          <tbody>
            {keys.map((k) => (
              <tr
                key={k}
                className={rows[k].differs ? 'diff-row--differs' : undefined}
                data-key={k}
                data-differs={rows[k].differs}
              >
                <th scope="row">{k}</th>
                {rows[k].values.map((v, i) => (
                  <td key={i} title={v === null ? 'not recorded' : String(v)}>
                    {show(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Params, metrics, tags, environment, data versions and code of the compared runs, differences first and marked. */
export function DiffView({ api, runIds }: { api: Api; runIds: string[] }) {
  const [diff, setDiff] = useState<RunDiff | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const ids = runIds.slice(0, 50);

  useEffect(() => {
    let live = true;
    setError(null);
    api.call('compare.diff', { runIds: ids }).then(
      (d) => live && setDiff(d),
      (e) => live && setError(toErrorData(e)),
    );
    return () => {
      live = false;
    };
  }, [api, ids.join('\n')]);

  if (error)
    return (
      <p className="cmp-error" role="alert">
        {error.message}
      </p>
    );
  if (!diff)
    return (
      <p className="muted" aria-busy="true">
        Loading the diff…
      </p>
    );

  const openData = (artifact: string, a: number, b: number) => {
    navigate(href('data', ['diff', artifact, a, b]));
  };
  const firstData = new Map(diff.data[0]?.map((d) => [`${d.role}:${d.artifact}`, d.version]) ?? []);
  const commits = diff.code.map((c) => c.commit);
  const patches = diff.code.map((c) => c.unknown ?? c.diffHash ?? '');
  const names = diff.runs.map((r) => r.name);

  return (
    <div className="diff" data-testid="run-diff">
      {runIds.length > 50 && (
        <p className="notice notice--info">
          The diff shows the first 50 of the {runIds.length} compared runs.
        </p>
      )}
      <label className="cmp-toggle">
        <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> only
        differences
      </label>
      <DiffTable title="Params" rows={diff.params} onlyDiff={onlyDiff} names={names} testId="diff-params" />
      <DiffTable
        title="Metrics"
        rows={diff.metrics}
        onlyDiff={onlyDiff}
        names={names}
        testId="diff-metrics"
      />
      <DiffTable title="Tags" rows={diff.tags} onlyDiff={onlyDiff} names={names} testId="diff-tags" />
      <DiffTable title="Environment" rows={diff.env} onlyDiff={onlyDiff} names={names} testId="diff-env" />
      <section className="diff-block" data-testid="diff-data">
        <h3>Data versions</h3>
        <table className="diff-table">
          <RunHead names={names} />
          <tbody>
            <tr>
              <th scope="row">read and written</th>
              {diff.data.map((refs, i) => (
                <td key={i}>
                  {refs.length === 0 && <span className="muted">none</span>}
                  {refs.map((d) => {
                    const base = firstData.get(`${d.role}:${d.artifact}`);
                    const differs = i > 0 && base !== d.version;
                    return (
                      <div
                        key={`${d.role}:${d.artifact}`}
                        className={differs ? 'diff-cell--differs' : undefined}
                      >
                        {d.role === 'in' ? '← ' : '→ '}
                        {differs && base !== undefined ? (
                          <a
                            href={href('data', ['diff', d.artifact, base, d.version])}
                            onClick={(e) => (e.preventDefault(), openData(d.artifact, base, d.version))}
                          >
                            {d.artifact}@v{d.version}
                          </a>
                        ) : (
                          `${d.artifact}@v${d.version}`
                        )}
                      </div>
                    );
                  })}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </section>
      <section className="diff-block" data-testid="diff-code">
        <h3>Code</h3>
        <table className="diff-table">
          <RunHead names={names} />
          <tbody>
            <tr className={commits.some((c) => c !== commits[0]) ? 'diff-row--differs' : undefined}>
              <th scope="row">commit</th>
              {diff.code.map((c, i) => (
                <td key={i}>
                  {c.commit ? (
                    <code>{c.commit.slice(0, 12)}</code>
                  ) : (
                    <span className="muted">{c.unknown ? 'unknown' : 'none'}</span>
                  )}
                </td>
              ))}
            </tr>
            <tr className={patches.some((p) => p !== patches[0]) ? 'diff-row--differs' : undefined}>
              <th scope="row">uncommitted changes</th>
              {diff.code.map((c, i) => (
                <td key={i}>
                  {c.patch ? (
                    <details>
                      <summary>{c.patch.split('\n').length} lines of patch</summary>
                      <pre className="diff-patch">
                        {c.patch.split('\n').map((line, j) => (
                          <span
                            key={j}
                            className={
                              line.startsWith('+')
                                ? 'patch-add'
                                : line.startsWith('-')
                                  ? 'patch-del'
                                  : undefined
                            }
                          >
                            {line + '\n'}
                          </span>
                        ))}
                      </pre>
                    </details>
                  ) : (
                    <span className="muted">{c.unknown ? `unknown: ${c.unknown}` : 'none'}</span>
                  )}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </section>
    </div>
  );
}
