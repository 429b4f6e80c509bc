import { useEffect } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { followRuns, useRunsStore } from '../../stores/runs.js';
import type { SectionProps } from '../types.js';
import { num, paramText, runDuration } from './format.js';
import { RunPage } from './RunPage.js';
import './runs.css';

const KEY_COLUMNS = 3;

export function RunsSection({ api, project }: SectionProps) {
  const s = useRunsStore();
  useEffect(() => {
    followRuns(api);
    void s.load(api);
  }, [api, project.root]);

  if (s.openRunId) return <RunPage api={api} runId={s.openRunId} onBack={() => s.open(null)} />;
  const header = (
    <SectionHeader
      title="Runs"
      subtitle={`Every run of ${project.name}: status, duration, parameters, metrics and the versions it read and wrote.`}
    />
  );
  if (s.error)
    return (
      <>
        {header}
        <ErrorNotice error={s.error} />
      </>
    );
  if (!s.loaded)
    return (
      <>
        {header}
        <p className="muted" aria-busy="true">
          Reading runs…
        </p>
      </>
    );
  if (s.runs.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No runs yet" command="strata run">
          <p>
            Runs appear here when you run the pipeline: <code>strata run</code> in a terminal, or the Run
            button in Pipelines. Scripts that log through the Python or Node client from a terminal appear
            too.
          </p>
        </EmptyState>
      </>
    );
  }
  // The columns worth a glance: the params that differ between runs, then the most common metrics.
  const paramKeys = [...new Set(s.runs.flatMap((r) => Object.keys(r.params)))]
    .filter(
      (k) =>
        new Set(s.runs.map((r) => (Object.hasOwn(r.params, k) ? JSON.stringify(r.params[k]) : undefined)))
          .size > 1,
    )
    .slice(0, KEY_COLUMNS);
  const metricCount = new Map<string, number>();
  for (const r of s.runs)
    for (const k of Object.keys(r.metrics)) metricCount.set(k, (metricCount.get(k) ?? 0) + 1);
  const metricKeys = [...metricCount]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, KEY_COLUMNS)
    .map(([k]) => k);
  return (
    <>
      {header}
      <div className="rn-scroll">
        <table className="rn-table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Run</th>
              <th>Started</th>
              <th>Duration</th>
              {paramKeys.map((k) => (
                <th key={`p-${k}`} className="rn-param">
                  {k}
                </th>
              ))}
              {metricKeys.map((k) => (
                <th key={`m-${k}`} className="rn-metric">
                  {k}
                </th>
              ))}
              <th>Data and models</th>
            </tr>
          </thead>
          <tbody>
            {s.runs.map((r) => (
              <tr key={r.id} className="rn-row" onClick={() => s.open(r.id)} data-testid={`run-row-${r.id}`}>
                <td>
                  <span className={`rn-status rn-status--${r.status}`}>{r.status}</span>
                </td>
                <td>
                  <span className="rn-name">{r.name}</span>
                  <code className="rn-id">{r.id}</code>
                </td>
                <td>{new Date(r.startedAt).toLocaleString()}</td>
                <td className="rn-num">{runDuration(r)}</td>
                {paramKeys.map((k) => (
                  <td key={`p-${k}`} className="rn-num">
                    {Object.hasOwn(r.params, k) ? paramText(r.params[k]) : ''}
                  </td>
                ))}
                {metricKeys.map((k) => (
                  <td key={`m-${k}`} className="rn-num">
                    {Object.hasOwn(r.metrics, k) ? num(r.metrics[k]) : ''}
                  </td>
                ))}
                <td className="rn-versions">
                  {r.versions
                    .filter(
                      (v) =>
                        v.role === 'out' ||
                        !r.versions.some((o) => o.role === 'out' && o.versionId === v.versionId),
                    )
                    .map((v) => (
                      <span
                        key={`${v.role}-${v.stage}-${v.versionId}`}
                        className={`rn-version rn-version--${v.role}`}
                        title={`${v.role === 'in' ? 'read' : 'wrote'} ${v.path}`}
                      >
                        {v.role === 'in' ? '←' : '→'} {v.artifact}@{v.version}
                      </span>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
