import { useEffect, useState } from 'react';
import type { Api, GateReport, TargetInfo } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { Modal } from '../../components/Modal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useDeployJob } from './useDeployJob.js';
import './deploy.css';

interface Props {
  api: Api;
  model: string;
  version: number;
  onClose(): void;
}

/** Deploy… from a model version: its gates, the target, then the deploy with progress and cancel. */
export function DeployDialog({ api, model, version, onClose }: Props) {
  const spec = `${model}@${version}`;
  const [targets, setTargets] = useState<TargetInfo[] | null>(null);
  const [gates, setGates] = useState<GateReport | null>(null);
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  /** null until the user flips it: the chosen target's keep_running: decides */
  const [keep, setKeep] = useState<boolean | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<StrataErrorData | null>(null);
  const { job, result, error } = useDeployJob(api, jobId);

  useEffect(() => {
    api.call('deploy.targets', {}).then(
      (list) => {
        setTargets(list);
        setTarget((t) => t || list[0]?.name || '');
      },
      (e: unknown) => setStartError(toErrorData(e)),
    );
    api.call('gates.check', { target: spec }).then(setGates, () => setGates(null));
  }, [api, spec]);

  const failing = gates?.gates.filter((g) => g.status === 'fail' || g.status === 'error') ?? [];
  const blocked = (gates?.status === 'fail' || gates?.status === 'error') && !reason.trim();
  const running = job?.state === 'running' || (jobId !== null && !job);
  const chosen = targets?.find((t) => t.name === target);
  const serves = chosen?.type === 'http';
  const keepRunning = keep ?? chosen?.keepRunning ?? false;

  const start = async () => {
    setStartError(null);
    try {
      const r = await api.call('deploy.start', {
        target,
        model: spec,
        override: reason.trim() || undefined,
        keepRunning: serves ? keepRunning : undefined,
      });
      setJobId(r.jobId);
    } catch (e) {
      setStartError(toErrorData(e));
    }
  };

  return (
    <Modal title={`Deploy ${spec}`} onClose={onClose} testId="deploy-dialog">
      <div className="dp-dialog">
        <section>
          <h3 className="dv-h3">Gates</h3>
          {!gates || gates.status === 'none' ? (
            <p className="muted" data-testid="deploy-gates" data-status="none">
              No gates for {model} in strata.yaml.
            </p>
          ) : (
            <ul className="dp-gates" data-testid="deploy-gates" data-status={gates.status}>
              {gates.gates.map((g, i) => (
                <li key={i} className={g.status === 'pass' ? '' : 'is-fail'}>
                  {g.status === 'pass' ? '✓' : '✗'} {g.label}: {g.message}
                </li>
              ))}
            </ul>
          )}
          {failing.length > 0 && (
            <input
              className="input"
              placeholder="Why deploy it anyway? (recorded with your name)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-label="override reason"
              data-testid="deploy-override"
              disabled={running}
            />
          )}
        </section>
        <label className="dp-row">
          Target
          {targets && targets.length === 0 ? (
            <span className="muted">none: add one under targets: in strata.yaml</span>
          ) : (
            <select
              className="input"
              value={target}
              onChange={(e) => {
                setTarget(e.target.value);
                setKeep(null);
              }}
              data-testid="deploy-target"
              disabled={running}
            >
              {(targets ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.type}){t.current ? ` — now ${t.current.model}@${t.current.version}` : ''}
                </option>
              ))}
            </select>
          )}
        </label>
        {serves && (
          <label className="dp-keep">
            <input
              type="checkbox"
              checked={keepRunning}
              onChange={(e) => setKeep(e.target.checked)}
              disabled={running || !!result}
              data-testid="deploy-keep-running"
            />
            <span>
              Keep running after Strata quits
              <span className="muted dp-keep__hint">
                {keepRunning
                  ? 'The service stays up until you stop it here or with strata undeploy.'
                  : 'The service stops when Strata quits and starts again when the project opens.'}
              </span>
            </span>
          </label>
        )}
        {job && (
          <div data-testid="deploy-progress" data-state={job.state}>
            <progress className="dp-progress" max={job.total ?? 4} value={job.done} />
            <span className="muted">
              {job.state === 'running' ? `step ${job.done} of ${job.total ?? 4}` : job.state}
            </span>
          </div>
        )}
        {result && (
          <p className="notice notice--info dp-result" data-testid="deploy-result">
            {result.deployment.model}@{result.deployment.version} is live on {result.deployment.target}
            {result.deployment.url ? ` at ${result.deployment.url}` : ''}. {result.deployment.message}
          </p>
        )}
        {(error ?? startError) && <ErrorNotice error={(error ?? startError)!} title="Deploy failed" />}
        <div className="dp-row">
          {running ? (
            <button
              type="button"
              className="btn"
              onClick={() => job && void api.call('jobs.cancel', { id: job.id })}
              data-testid="deploy-cancel"
            >
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="btn btn--primary"
              disabled={!target || blocked || !!result}
              onClick={() => void start()}
              data-testid="deploy-go"
            >
              {failing.length > 0 ? 'Deploy anyway' : 'Deploy'}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
