import { useCallback, useEffect, useState } from 'react';
import type { Deployment, TargetInfo } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';
import { useDeployJob } from './useDeployJob.js';
import './deploy.css';

const REFRESH_MS = 3000;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** Every target with what serves there, its health and counters, its history, rollback and stop. */
export function DeploySection({ api, project }: SectionProps) {
  const [targets, setTargets] = useState<TargetInfo[] | null>(null);
  const [history, setHistory] = useState<Deployment[]>([]);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useDeployJob(api, jobId);

  const load = useCallback(async () => {
    try {
      const [t, h] = await Promise.all([api.call('deploy.targets', {}), api.call('deploy.history', {})]);
      setTargets(t);
      setHistory(h);
    } catch (e) {
      setError(toErrorData(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    const off = api.on('job.update', (j) => j.state !== 'running' && void load());
    return () => {
      clearInterval(timer);
      off();
    };
  }, [api, load, project.config.targets]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      const r = await fn();
      if (r && typeof r === 'object' && 'jobId' in r) setJobId((r as { jobId: string }).jobId);
      await load();
    } catch (e) {
      setError(toErrorData(e));
    }
  };

  const header = (
    <SectionHeader title="Deploy" subtitle={`Where the models of ${project.name} are served or delivered.`} />
  );
  if (targets && targets.length === 0)
    return (
      <>
        {header}
        <EmptyState title="No deploy targets yet">
          <p>
            Declare a target under <code>targets:</code> in strata.yaml (an http service on 127.0.0.1, a
            folder, or a command), then use <strong>Deploy…</strong> on a model version in Models, or{' '}
            <code>strata deploy model@3 --target local</code>.
          </p>
          <pre className="muted">{`targets:\n  local:\n    type: http\n    port: 8700`}</pre>
        </EmptyState>
      </>
    );

  const shownError = error ?? job.error;
  return (
    <>
      {header}
      {shownError && (
        <ErrorNotice
          error={shownError}
          title={job.error ? 'Rollback failed' : undefined}
          onDismiss={() => {
            setError(null);
            setJobId(null);
          }}
        />
      )}
      {job.job?.state === 'running' && (
        <p className="notice notice--info" data-testid="deploy-busy">
          {job.job.label}… step {job.job.done} of {job.job.total ?? 4}
        </p>
      )}
      <div className="dp-targets">
        {(targets ?? []).map((t) => {
          const past = history.filter((d) => d.target === t.name);
          const c = t.current;
          return (
            <section key={t.name} className="dp-target" data-testid={`target-${t.name}`}>
              <div className="dp-target__head">
                <h2 className="dp-target__name">{t.name}</h2>
                <span className="badge">{t.type}</span>
                <span className="dp-target__where">{t.where}</span>
                <span className="dp-target__actions">
                  <button
                    type="button"
                    className="btn btn--small"
                    disabled={!past.some((d) => d.status === 'replaced' || d.status === 'stopped')}
                    onClick={() => void act(() => api.call('deploy.rollback', { target: t.name }))}
                    data-testid={`rollback-${t.name}`}
                    title="Put back the version that served before the current one"
                  >
                    Rollback
                  </button>
                  <button
                    type="button"
                    className="btn btn--small"
                    disabled={!c}
                    onClick={() => void act(() => api.call('deploy.stop', { target: t.name }))}
                    data-testid={`stop-${t.name}`}
                  >
                    Stop
                  </button>
                </span>
              </div>
              <div className="dp-now" data-testid={`now-${t.name}`}>
                {c ? (
                  <>
                    <span className="dp-now__model">
                      {c.model}@{c.version}
                    </span>
                    <span className="dp-stat">since {when(c.startedAt)}</span>
                    {t.health && (
                      <span className={`dp-health dp-health--${t.health}`} data-testid={`health-${t.name}`}>
                        {t.health}
                      </span>
                    )}
                    {c.url && t.health === 'healthy' && <code className="dp-stat">{c.url}/predict</code>}
                    {t.stats && (
                      <span className="dp-stat" data-testid={`stats-${t.name}`}>
                        {t.stats.requests} {t.stats.requests === 1 ? 'request' : 'requests'} ·{' '}
                        {t.stats.errors} errors · p50{' '}
                        {t.stats.p50Ms === null ? '–' : `${t.stats.p50Ms.toFixed(2)} ms`} · p99{' '}
                        {t.stats.p99Ms === null ? '–' : `${t.stats.p99Ms.toFixed(2)} ms`}
                      </span>
                    )}
                    {c.keepRunning && c.type === 'http' && (
                      <span className="dp-stat" data-testid={`kept-${t.name}`}>
                        keeps running after Strata quits
                      </span>
                    )}
                    {c.override && <span className="dp-stat">gates overridden: {c.override}</span>}
                  </>
                ) : (
                  <span className="muted">Nothing deployed.</span>
                )}
              </div>
              {past.length > 0 && (
                <div className="dp-history-wrap">
                  <table className="dp-history" data-testid={`history-${t.name}`}>
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>Model</th>
                        <th>Result</th>
                        <th>When</th>
                        <th>Who</th>
                        <th>What happened</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {past.map((d) => (
                        <tr key={d.id} data-testid={`deployment-${d.id}`}>
                          <td>{d.id}</td>
                          <td>
                            {d.model}@{d.version}
                            {d.action === 'rollback' && <span className="muted"> (rollback)</span>}
                          </td>
                          <td>
                            <span className={`dp-status dp-status--${d.status}`}>{d.status}</span>
                          </td>
                          <td>{when(d.startedAt)}</td>
                          <td>{d.who}</td>
                          <td className="dp-history__message">{d.message}</td>
                          <td>
                            {(d.status === 'replaced' || d.status === 'stopped') && (
                              <button
                                type="button"
                                className="btn btn--ghost btn--small"
                                onClick={() =>
                                  void act(() => api.call('deploy.rollback', { target: t.name, to: d.id }))
                                }
                                data-testid={`rollback-to-${d.id}`}
                                title={`Put ${d.model}@${d.version} back on ${t.name}`}
                              >
                                Roll back
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}
