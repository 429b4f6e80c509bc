import { useEffect, useState } from 'react';
import type { Api, RunDetail } from '../../../shared/api/index.js';
import { shownStatus } from '../../../shared/api/runs.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { describeCodeState, DIFF_PREVIEW_BYTES } from '../../../shared/code-state.js';
import { formatBytes } from '../../../shared/format.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { CopyLink } from '../../components/CopyLink.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { useRunsStore } from '../../stores/runs.js';
import { duration, num, paramText, runDuration } from './format.js';
import { MetricCharts } from './MetricCharts.js';
import { RunArtifacts } from './RunArtifacts.js';
import { RunLogs } from './RunLogs.js';
import { TagsNote } from './TagsNote.js';
import { ReproducePanel } from '../review/ReproducePanel.js';
import { useProjectStore } from '../../stores/project.js';

function EnvTable({ env }: { env: Record<string, unknown> }) {
  const rows: [string, string][] = [];
  const os = env.os as Record<string, string> | undefined;
  const cpu = env.cpu as { model?: string; count?: number } | undefined;
  if (os) rows.push(['OS', `${os.platform} ${os.release} (${os.arch ?? os.machine})`]);
  if (cpu) rows.push(['CPU', `${cpu.model ?? '?'} × ${cpu.count ?? '?'}`]);
  if (env.node) rows.push(['Node', String(env.node)]);
  // A pipeline run records the python3 on PATH as a version; a script records the interpreter that ran it.
  const py = env.python as string | { version: string; implementation: string; executable: string } | null;
  rows.push([
    'Python',
    !py ? 'not found' : typeof py === 'string' ? py : `${py.implementation} ${py.version} (${py.executable})`,
  ]);
  const packages = env.packages as Record<string, string> | undefined;
  const pip =
    (env.pipFreeze as string[] | null | undefined) ??
    (packages ? Object.entries(packages).map(([k, v]) => `${k}==${v}`) : null);
  const locks = Object.keys((env.lockFiles as Record<string, unknown>) ?? {});
  return (
    <>
      <table className="rn-kv">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
          <tr>
            <th>Lock files</th>
            <td>{locks.length ? locks.join(', ') : 'none'}</td>
          </tr>
        </tbody>
      </table>
      {pip && pip.length > 0 && (
        <details>
          <summary>pip freeze ({pip.length} packages)</summary>
          <pre className="rn-log">{pip.join('\n')}</pre>
        </details>
      )}
    </>
  );
}

/** One run: what it ran, with what, what came out, and the researcher's own tags and note. */
export function RunPage({ api, runId, onBack }: { api: Api; runId: string; onBack(): void }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [version, setVersion] = useState(0);
  const live = useRunsStore((s) => s.live[runId] ?? '');
  const readOnly = useProjectStore((s) => s.project?.readOnly ?? false);
  const summary = useRunsStore((s) => s.runs.find((r) => r.id === runId));
  useEffect(() => {
    let on = true;
    api.call('runs.get', { id: runId }).then(
      (r) => on && setRun(r),
      (e: StrataErrorData) => on && setError(e),
    );
    return () => {
      on = false;
    };
  }, [api, runId, version, summary?.status, summary?.stages.map((s) => s.status).join()]);
  useEffect(() => api.on('run.metrics', (e) => e.runId === runId && setVersion((v) => v + 1)), [api, runId]);

  const back = (
    <button type="button" className="btn btn--small" onClick={onBack} data-testid="back-to-runs">
      ← All runs
    </button>
  );
  if (error)
    return (
      <>
        <SectionHeader title="Run" actions={back} />
        <ErrorNotice error={error} />
      </>
    );
  if (!run)
    return (
      <>
        <SectionHeader title="Run" actions={back} />
        <p className="muted" aria-busy="true">
          Reading the run…
        </p>
      </>
    );
  const cancel = () =>
    void api.call('runs.cancel', { id: run.id }).catch((e: StrataErrorData) => setError(e));
  const finals = run.metricInfo;
  const params = Object.entries(run.params);
  return (
    <div className="rn-page" data-testid="run-page">
      <SectionHeader
        title={run.name}
        subtitle={`${run.id} · ${run.kind} · started ${new Date(run.startedAt).toLocaleString()} · ${runDuration(run)}`}
        actions={
          <>
            {run.status === 'running' && (
              <button type="button" className="btn btn--small" onClick={cancel}>
                Cancel run
              </button>
            )}
            <CopyLink />
            {back}
          </>
        }
      />
      <p>
        <span className={`rn-status rn-status--${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        {run.error && <span className="rn-error"> {run.error}</span>}
        {(run.skippedLines > 0 || run.nonFiniteValues > 0) && (
          <span className="badge badge--warn rn-badge">
            {run.skippedLines} invalid lines, {run.nonFiniteValues} NaN/Inf values skipped
          </span>
        )}
      </p>
      <ReproducePanel
        api={api}
        runId={run.id}
        canReproduce={!readOnly && run.kind === 'pipeline' && run.status === 'done'}
      />
      <div className="rn-grid">
        <section>
          <h2 className="rn-h2">Tags and note</h2>
          <TagsNote api={api} run={run} onSaved={setRun} />
        </section>
        {run.stages.length > 0 && (
          <section>
            <h2 className="rn-h2">Stages</h2>
            <table className="rn-table" data-testid="run-stages">
              <tbody>
                {run.stages.map((s) => (
                  <tr key={s.stage}>
                    <td>
                      <code>{s.stage}</code>
                    </td>
                    <td>
                      <span className={`rn-status rn-status--${shownStatus(s)}`}>{shownStatus(s)}</span>
                    </td>
                    <td className="rn-num">
                      {s.startedAt !== null && s.endedAt !== null ? duration(s.endedAt - s.startedAt) : ''}
                    </td>
                    <td className="rn-num">
                      {s.exitCode !== null ? `exit ${s.exitCode}` : (s.signal ?? '')}
                    </td>
                    <td className="pl-reason">
                      {s.reason}
                      {s.logDropped > 0 ? ` · output truncated (${s.logDropped} bytes not kept)` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <section>
          <h2 className="rn-h2">Parameters</h2>
          {params.length === 0 ? (
            <p className="muted">None recorded.</p>
          ) : (
            <table className="rn-kv" data-testid="run-params">
              <tbody>
                {params.map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td>{paramText(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section>
          <h2 className="rn-h2">Metrics</h2>
          {finals.length === 0 ? (
            <p className="muted">None recorded.</p>
          ) : (
            <table className="rn-kv" data-testid="run-metrics">
              <tbody>
                {finals.map((m) => (
                  <tr key={m.key}>
                    <th>{m.key}</th>
                    <td>
                      {num(m.value)}
                      {m.count > 1
                        ? ` (step ${m.step}, ${m.count} points, min ${num(m.min)}, max ${num(m.max)})`
                        : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section>
        <h2 className="rn-h2">Charts</h2>
        <MetricCharts api={api} runId={run.id} metrics={finals} version={version} />
      </section>
      <section>
        <h2 className="rn-h2">Artifacts</h2>
        <RunArtifacts api={api} runId={run.id} version={version} />
      </section>
      <section>
        <h2 className="rn-h2">Lineage</h2>
        {run.versions.length === 0 ? (
          <p className="muted">No versioned data or models.</p>
        ) : (
          <div className="rn-lineage" data-testid="run-lineage">
            <div>
              {run.versions
                .filter((v) => v.role === 'in')
                .map((v) => (
                  <div key={`i${v.stage}${v.versionId}`} className="rn-version rn-version--in">
                    {v.artifact}@{v.version}{' '}
                    <small>
                      {v.path} → {v.stage}
                    </small>
                  </div>
                ))}
            </div>
            <div className="rn-lineage__run">run {run.id}</div>
            <div>
              {run.versions
                .filter((v) => v.role === 'out')
                .map((v) => (
                  <div
                    key={`o${v.stage}${v.versionId}`}
                    className={`rn-version rn-version--out${v.kept ? ' rn-version--kept' : ''}`}
                    title={
                      v.kept
                        ? `${v.stage} was up to date: this run kept this version, it did not write it`
                        : undefined
                    }
                  >
                    {v.artifact}@{v.version}{' '}
                    <small>
                      {v.stage} → {v.path}
                      {v.kept ? ' (kept, up to date)' : ''}
                    </small>
                  </div>
                ))}
            </div>
          </div>
        )}
      </section>
      <section>
        <h2 className="rn-h2">Logs</h2>
        {run.status === 'running' && live && (
          <pre className="rn-log" data-testid="run-live-log">
            {live}
          </pre>
        )}
        <RunLogs
          api={api}
          runId={run.id}
          stages={run.stages}
          version={version + run.stages.filter((s) => s.endedAt).length}
        />
      </section>
      <div className="rn-grid">
        <section>
          <h2 className="rn-h2">Code</h2>
          <CodeFacts run={run} />
        </section>
        <section>
          <h2 className="rn-h2">Environment</h2>
          {run.environment ? <EnvTable env={run.environment} /> : <p className="muted">Not recorded.</p>}
        </section>
      </div>
    </div>
  );
}

/** What the run recorded of its code, and only that: unknown says why, never "no changes". */
function CodeFacts({ run }: { run: RunDetail }) {
  const code = run.code;
  const { headline, details } = describeCodeState(code);
  return (
    <div data-testid="run-code" data-state={code.state}>
      {code.state === 'recorded' ? (
        <p>
          Commit <code data-testid="git-commit">{code.commit}</code>
          {code.branch && <span className="muted"> on {code.branch}</span>}
        </p>
      ) : (
        <p className="rn-warn" role="status">
          Code state {headline}
        </p>
      )}
      {details.length > 0 && (
        <ul className="rn-code-facts">
          {details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {run.git.diff && (
        <details>
          <summary>
            {code.state === 'recorded' && code.diff && code.diff.bytes > DIFF_PREVIEW_BYTES
              ? `The diff: its first ${formatBytes(DIFF_PREVIEW_BYTES)} of ${formatBytes(code.diff.bytes)}`
              : 'The diff'}
          </summary>
          <pre className="rn-log">{run.git.diff}</pre>
        </details>
      )}
    </div>
  );
}
