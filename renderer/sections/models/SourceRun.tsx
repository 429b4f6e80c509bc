import { useEffect, useState } from 'react';
import type { Api, RunDetail } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { href } from '../../stores/route.js';

/** The run that produced a model version, linked, with the metrics it logged: what the version scored. */
export function SourceRun({ api, runId }: { api: Api; runId: string }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  useEffect(() => {
    let live = true;
    setRun(null);
    setError(null);
    api.call('runs.get', { id: runId }).then(
      (r) => live && setRun(r),
      (e: StrataErrorData) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, runId]);
  if (error) return <ErrorNotice error={error} title="Could not read the run that produced this version" />;
  if (!run) return <p className="muted">Reading the run…</p>;
  const metrics = Object.entries(run.metrics);
  return (
    <div data-testid="source-run">
      <p>
        Produced by <a href={href('runs', [run.id])}>{run.name}</a> <code className="muted">{run.id}</code>
      </p>
      {metrics.length === 0 ? (
        <p className="muted">That run logged no metrics.</p>
      ) : (
        <table className="dv-kv" data-testid="source-run-metrics">
          <tbody>
            {metrics.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{String(Number(v.toPrecision(6)))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
