import { useCallback, useEffect, useRef, useState } from 'react';
import type { PipelineStatus } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { followRuns, useRunsStore } from '../../stores/runs.js';
import type { SectionProps } from '../types.js';
import { AutomationPanel } from './AutomationPanel.js';
import { DagView } from './DagView.js';
import { withLiveRun } from './liveStages.js';
import '../runs/runs.css';

export function PipelinesSection({ api, project }: SectionProps) {
  const [status, setStatus] = useState<PipelineStatus | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const [lastRunId, setLastRunId] = useState<string | null>(null);
  const live = useRunsStore((s) => (lastRunId ? (s.live[lastRunId] ?? '') : ''));
  const lastRun = useRunsStore((s) => s.runs.find((r) => r.id === lastRunId) ?? null);
  const upToDate = useRunsStore((s) => (lastRunId ? (s.removed[lastRunId] ?? null) : null));
  const logRef = useRef<HTMLPreElement>(null);
  const asked = useRef(0);
  const [planAskedAt, setPlanAskedAt] = useState(0);

  const refresh = useCallback(() => {
    // Checking the stages hashes files and can take a while: an older answer arriving after a newer one is dropped.
    const ticket = ++asked.current;
    const at = Date.now();
    api.call('pipelines.status', {}).then(
      (s) => {
        if (ticket !== asked.current) return;
        setStatus(s);
        setPlanAskedAt(at);
        if (s.runningRunId) setLastRunId(s.runningRunId);
      },
      (e: StrataErrorData) => setError(e),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    followRuns(api);
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Stage states change with every run update; re-reading them is debounced so a burst costs one call.
    const off = api.on('run.update', () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    const offProject = api.on('project.changed', refresh);
    return () => {
      off();
      offProject();
      if (timer) clearTimeout(timer);
    };
  }, [api, refresh, project.root]);

  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [live]);

  const run = async (stages: string[]) => {
    setError(null);
    try {
      const res = await api.call('pipelines.run', { stages, force, dry: false });
      setLastRunId(res.runId);
      refresh();
    } catch (e) {
      setError(e as StrataErrorData);
    }
  };
  const cancel = async () => {
    if (!status?.runningRunId) return;
    try {
      await api.call('runs.cancel', { id: status.runningRunId });
    } catch (e) {
      setError(e as StrataErrorData);
    }
  };

  const running = Boolean(status?.runningRunId);
  const actions = (
    <>
      <label className="pl-force">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> force
      </label>
      <button
        type="button"
        className="btn btn--primary"
        disabled={!status || running || status.stages.length === 0}
        onClick={() => void run([])}
        data-testid="run-pipeline"
      >
        Run pipeline
      </button>
      <button
        type="button"
        className="btn"
        disabled={!running}
        onClick={() => void cancel()}
        data-testid="cancel-run"
      >
        Cancel
      </button>
    </>
  );
  const header = (
    <SectionHeader
      title="Pipelines"
      subtitle="Stages from strata.yaml (or dvc.yaml): what is fresh, stale or frozen and why, and running them."
      actions={actions}
    />
  );
  if (!status)
    return (
      <>
        {header}
        {error ? (
          <ErrorNotice error={error} />
        ) : (
          <p className="muted" aria-busy="true">
            Checking the stages…
          </p>
        )}
      </>
    );
  if (status.error) {
    return (
      <>
        {header}
        <ErrorNotice
          error={{
            code: 'CONFIG_INVALID',
            message: status.error.message,
            where: status.error.file ? { file: status.error.file, line: status.error.line } : undefined,
          }}
          title="The pipeline cannot run as defined"
        />
      </>
    );
  }
  if (status.stages.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          title="No stages yet"
          command="stages:\n  train:\n    cmd: python train.py\n    deps: [data/train.csv]\n    outs: [models/model.pkl]"
        >
          <p>
            Add stages to strata.yaml (the same fields as DVC: cmd, deps, outs, params, metrics, plots). A
            project with only a dvc.yaml runs as it is.
          </p>
        </EmptyState>
      </>
    );
  }
  const stages = withLiveRun(status.stages, lastRun, planAskedAt);
  const sel = stages.find((s) => s.stage === selected) ?? null;
  return (
    <div className="pl" data-testid="pipelines-section">
      {header}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="pl-graph">
        <DagView stages={stages} selected={selected} onSelect={setSelected} />
      </div>
      <table className="rn-table pl-stages" data-testid="stage-table">
        <thead>
          <tr>
            <th>Stage</th>
            <th>State</th>
            <th>Why</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <tr
              key={s.stage}
              className={s.stage === selected ? 'is-selected' : ''}
              onClick={() => setSelected(s.stage)}
              data-testid={`stage-row-${s.stage}`}
            >
              <td>
                <code>{s.stage}</code>
                {s.autoRun && (
                  <span className="badge rn-badge" title="re-runs when a dataset it reads gets a new version">
                    auto
                  </span>
                )}
                {s.alwaysChanged && (
                  <span
                    className="badge rn-badge"
                    title="runs every time (always_changed, or no deps, params or outs)"
                  >
                    always
                  </span>
                )}
                {s.slurm && (
                  <span
                    className="badge rn-badge"
                    title={`runs as a SLURM job: sbatch ${s.slurm.join(' ') || '(the cluster’s defaults)'}`}
                    data-testid={`stage-slurm-${s.stage}`}
                  >
                    slurm
                  </span>
                )}
                {s.desc && <span className="pl-desc">{s.desc.split('\n').find((l) => l.trim())}</span>}
              </td>
              <td>
                <span className={`rn-status rn-status--${s.state}`}>{s.state}</span>
              </td>
              <td className="pl-reason">{s.reason}</td>
              <td>
                <button
                  type="button"
                  className="btn btn--small"
                  disabled={running}
                  onClick={(e) => {
                    e.stopPropagation();
                    void run([s.stage]);
                  }}
                >
                  Run to here
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sel && (
        <dl className="pl-detail" data-testid="stage-detail">
          {sel.desc && (
            <>
              <dt>Description</dt>
              <dd className="pl-desc-full" data-testid="stage-desc">
                {sel.desc}
              </dd>
            </>
          )}
          <dt>Command</dt>
          <dd>
            <code>{sel.cmd}</code>
          </dd>
          <dt>Reads</dt>
          <dd>{sel.deps.length ? sel.deps.map((d) => <code key={d}>{d}</code>) : '—'}</dd>
          <dt>Writes</dt>
          <dd>{sel.outs.length ? sel.outs.map((d) => <code key={d}>{d}</code>) : '—'}</dd>
          {sel.meta !== undefined && (
            <>
              <dt>Meta</dt>
              <dd data-testid="stage-meta">
                <pre>{JSON.stringify(sel.meta, null, 2)}</pre>
              </dd>
            </>
          )}
        </dl>
      )}
      {upToDate && (
        <p className="pl-uptodate" data-testid="run-up-to-date">
          Up to date: {upToDate}.
        </p>
      )}
      {lastRunId && !upToDate && (
        <section className="pl-live">
          <h2 className="rn-h2">
            Output of run <code>{lastRunId}</code>{' '}
            {lastRun && (
              <span className={`rn-status rn-status--${lastRun.status}`} data-testid="live-run-status">
                {lastRun.status}
              </span>
            )}
          </h2>
          <pre className="rn-log" ref={logRef} data-testid="live-log">
            {live || 'Waiting for output…'}
          </pre>
        </section>
      )}
      <AutomationPanel api={api} />
    </div>
  );
}
