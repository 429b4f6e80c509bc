import { useEffect, useState } from 'react';
import type { Api, Reproduction } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useCompareStore } from '../../stores/compare.js';
import { useProjectStore } from '../../stores/project.js';
import { downloadHtml } from '../../components/download.js';
import { verdictText } from './verdict.js';
import './review.css';

/**
 * The run page's Reproduce button, the latest verdict as a badge, and its differences; the
 * reproduction itself is a job (the tray shows its progress and cancels it).
 */
export function ReproducePanel({
  api,
  runId,
  canReproduce,
}: {
  api: Api;
  runId: string;
  canReproduce: boolean;
}) {
  const [latest, setLatest] = useState<Reproduction | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let on = true;
    api.call('reproduce.latest', { run: runId }).then(
      (r) => on && setLatest(r),
      (e: StrataErrorData) => on && setError(e),
    );
    return () => {
      on = false;
    };
  }, [api, runId, tick]);
  useEffect(
    () =>
      api.on('job.update', (j) => {
        if (j.label === `reproduce run ${runId}` && j.state !== 'running') setTick((t) => t + 1);
      }),
    [api, runId],
  );
  const start = () => {
    setError(null);
    api.call('reproduce.start', { run: runId }).then(
      () => setTick((t) => t + 1),
      (e: StrataErrorData) => setError(e),
    );
  };
  const exportReview = () =>
    api.call('review.html', { target: runId }).then(
      ({ fileName, html }) => downloadHtml(fileName, html),
      (e: StrataErrorData) => setError(e),
    );
  const compare = async (reproRunId: string) => {
    // Loaded first: a first load for this project would clear a selection made before it.
    await useCompareStore.getState().load(api, useProjectStore.getState().project!.root);
    useCompareStore.getState().setSelected([runId, reproRunId]);
    useCompareStore.getState().compareSelection();
  };
  const v = latest ? verdictText(latest) : null;
  return (
    <div className="rv-panel" data-testid="reproduce-panel">
      <div className="rv-panel__row">
        {v && (
          <span className={`rv-badge rv-badge--${v.tone}`} data-testid="repro-badge">
            {v.label}
          </span>
        )}
        {canReproduce && (
          <button
            type="button"
            className="btn btn--small"
            onClick={start}
            disabled={latest?.status === 'running'}
            data-testid="reproduce"
          >
            {latest ? 'Reproduce again' : 'Reproduce'}
          </button>
        )}
        {latest?.reproRunId && latest.status !== 'running' && (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => void compare(latest.reproRunId!)}
            data-testid="compare-reproduction"
          >
            Compare side by side
          </button>
        )}
        <button type="button" className="btn btn--small" onClick={exportReview} data-testid="export-review">
          Export review
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {latest &&
        latest.status !== 'running' &&
        (latest.limits.length > 0 || latest.differences.length > 0) && (
          <ul className="rv-diffs" data-testid="repro-differences">
            {latest.limits.map((l) => (
              <li key={l.message}>
                <span className="rv-cat">limit</span> {l.message}
              </li>
            ))}
            {latest.differences.map((d) => (
              <li key={`${d.category}${d.subject}`}>
                <span className="rv-cat">{d.category}</span> {d.subject}: {d.original ?? '–'} →{' '}
                {d.reproduced ?? '–'}
                {d.note && <span className="muted"> ({d.note})</span>}
              </li>
            ))}
            {latest.suggestions.map((s) => (
              <li key={s} className="muted">
                {s}
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}
