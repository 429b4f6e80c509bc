import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api, CtChampion, CtCycle, CtStatus } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { NotifyButton } from '../../components/NotifyButton.js';
import { useRoute } from '../../stores/route.js';
import './automation.css';

const seconds = (ms: number | null) =>
  ms === null ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
const when = (iso: string) => new Date(iso).toLocaleString();

function StepChip({ step }: { step: CtCycle['steps'][number] }) {
  return (
    <li
      className={`ct-step ct-step--${step.status}`}
      title={step.message ?? step.status}
      data-testid={`ct-step-${step.name}`}
      data-status={step.status}
    >
      <span className="ct-step__name">{step.name}</span>
      <span className="ct-step__meta">
        {step.status}
        {step.durationMs !== null && ` · ${seconds(step.durationMs)}`}
      </span>
      {step.message && <span className="ct-step__msg">{step.message}</span>}
    </li>
  );
}

function CycleRow({
  cycle,
  api,
  onError,
}: {
  cycle: CtCycle;
  api: Api;
  onError: (e: StrataErrorData) => void;
}) {
  const decide = (call: 'ct.approve' | 'ct.reject') =>
    api.call(call, { id: cycle.id }).catch((e: StrataErrorData) => onError(e));
  return (
    <li className={`ct-cycle ct-cycle--${cycle.status}`} data-testid="ct-cycle" data-status={cycle.status}>
      <div className="ct-cycle__head">
        <strong>Cycle {cycle.id}</strong>
        <span className={`rn-status ct-status--${cycle.status}`}>{cycle.status}</span>
        <span className="muted">
          {cycle.trigger}: {cycle.reason} · {when(cycle.startedAt)}
        </span>
        {cycle.status === 'waiting' && (
          <span className="ct-cycle__actions">
            <button className="btn btn--small btn--primary" onClick={() => void decide('ct.approve')}>
              Approve
            </button>
            <button className="btn btn--small" onClick={() => void decide('ct.reject')}>
              Reject
            </button>
          </span>
        )}
      </div>
      <ol className="ct-steps">
        {cycle.steps.map((s, i) => (
          <StepChip key={`${s.name}-${i}`} step={s} />
        ))}
      </ol>
      {cycle.outcome && <p className="ct-cycle__outcome">{cycle.outcome}</p>}
    </li>
  );
}

/** Pipelines' Automation: the CT policy in words, the loop's switch, the timeline of cycles, the champion's history. */
export function AutomationPanel({ api }: { api: Api }) {
  const [status, setStatus] = useState<CtStatus | null>(null);
  const [cycles, setCycles] = useState<CtCycle[]>([]);
  const [champions, setChampions] = useState<CtChampion[]>([]);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const asked = useRoute((r) => r.parts[0] === 'automation');
  const here = useRef<HTMLElement>(null);

  const refresh = useCallback(() => {
    Promise.all([
      api.call('ct.status', {}),
      api.call('ct.cycles', { limit: 30 }),
      api.call('ct.champions', {}),
    ]).then(
      ([s, c, h]) => {
        setStatus(s);
        setCycles(c);
        setChampions(h);
      },
      (e: StrataErrorData) => setError(e),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    const offCycle = api.on('ct.cycle', (c) => {
      setCycles((list) => [c, ...list.filter((x) => x.id !== c.id)].sort((a, b) => b.id - a.id));
      if (!['running', 'waiting'].includes(c.status)) refresh();
    });
    const offStatus = api.on('ct.status', setStatus);
    const offProject = api.on('project.changed', refresh);
    return () => {
      offCycle();
      offStatus();
      offProject();
    };
  }, [api, refresh]);

  // #pipelines/automation (a notification, the banner) shows this panel, below the pipeline.
  const loaded = status !== null;
  useEffect(() => {
    if (asked && loaded) here.current?.scrollIntoView({ block: 'start' });
  }, [asked, loaded]);

  const act = (p: Promise<unknown>) => p.then(refresh, (e: StrataErrorData) => setError(e));
  if (!status) return error ? <ErrorNotice error={error} /> : null;
  const { policy } = status;
  return (
    <section className="ct" data-testid="automation" ref={here}>
      <div className="ct__head">
        <h2 className="rn-h2">Automation</h2>
        {policy && (
          <>
            <label className="ct-switch">
              <input
                type="checkbox"
                checked={!status.paused}
                onChange={(e) => void act(api.call(e.target.checked ? 'ct.resume' : 'ct.pause', {}))}
                data-testid="ct-switch"
              />{' '}
              {status.paused ? 'Paused: triggers are ignored' : 'Loop on'}
            </label>
            <button
              className="btn btn--small"
              onClick={() => void act(api.call('ct.run', {}))}
              disabled={cycles.some((c) => c.status === 'running' || c.status === 'waiting')}
              data-testid="ct-run"
            >
              Run cycle now
            </button>
            <NotifyButton what="cycle notices" />
          </>
        )}
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {status.error && (
        <ErrorNotice
          error={{
            code: 'CONFIG_INVALID',
            message: status.error.message,
            where: status.error.file ? { file: status.error.file, line: status.error.line } : undefined,
          }}
          title="The ct: policy cannot be used"
        />
      )}
      {!policy && !status.error && (
        <p className="muted">
          No <code>ct:</code> policy in strata.yaml. Add one to retrain, gate, promote and deploy when new
          data arrives (see docs/ct.md).
        </p>
      )}
      {policy && (
        <div className="ct-policy" data-testid="ct-policy">
          {policy.words.map((w) => (
            <p key={w}>{w}</p>
          ))}
          <p className="muted">
            {status.cyclesLastHour} of {policy.maxCyclesPerHour} cycles this hour
            {status.pending.length > 0 && ` · ${status.pending.length} trigger(s) waiting`}
          </p>
        </div>
      )}
      {cycles.length > 0 && (
        <>
          <h3 className="ct-h3">Cycles</h3>
          <ol className="ct-timeline" data-testid="ct-timeline">
            {cycles.map((c) => (
              <CycleRow key={c.id} cycle={c} api={api} onError={setError} />
            ))}
          </ol>
        </>
      )}
      {champions.length > 0 && (
        <>
          <h3 className="ct-h3">Champion history</h3>
          <table className="rn-table ct-champions" data-testid="ct-champions">
            <thead>
              <tr>
                <th>Model</th>
                <th>Since</th>
                <th>By</th>
                <th>Data</th>
                <th>Metrics</th>
              </tr>
            </thead>
            <tbody>
              {champions.map((h) => (
                <tr key={`${h.version}-${h.at}`}>
                  <td>
                    <code>
                      {h.model}@{h.version}
                    </code>
                  </td>
                  <td>{when(h.at)}</td>
                  <td>{h.cycle === null ? 'a person' : `cycle ${h.cycle}`}</td>
                  <td>{h.data.join(', ') || '—'}</td>
                  <td>
                    {Object.entries(h.metrics)
                      .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
                      .join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
