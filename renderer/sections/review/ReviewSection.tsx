import { useEffect, useState } from 'react';
import type {
  BundleReview,
  LineageGraph as Graph,
  LineageNode,
  VerifyState,
} from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { downloadHtml } from '../../components/download.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { href, navigate } from '../../stores/route.js';
import type { SectionProps } from '../types.js';
import { BundleReviewView } from './BundleReviewView.js';
import { LineageGraph } from './LineageGraph.js';
import { OpenBundle } from './OpenBundle.js';
import './review.css';

function VerifyCard({ state, onStart }: { state: VerifyState; onStart(): void }) {
  const r = state.report;
  return (
    <div className="rv-card" data-testid="verify-card" data-state={state.state}>
      <h2>Stored hashes</h2>
      {state.state === 'none' && (
        <>
          <p className="muted">Not verified in this session.</p>
          <button type="button" className="btn btn--small" onClick={onStart} data-testid="verify-start">
            Verify every stored hash
          </button>
        </>
      )}
      {state.state === 'running' && <p aria-busy="true">Verifying every stored hash… (see the jobs tray)</p>}
      {state.state === 'failed' && (
        <p className="rv-badge rv-badge--bad">Verification failed: {state.error}</p>
      )}
      {r && (
        <>
          <p>
            <span className={`rv-badge rv-badge--${r.ok ? 'ok' : 'bad'}`} data-testid="verify-result">
              {r.ok ? 'all intact' : 'damage found'}
            </span>{' '}
            {r.objects.toLocaleString()} objects, {r.manifests.toLocaleString()} versions' file lists
          </p>
          {!r.ok && (
            <ul className="rv-diffs">
              {r.bad.map((b) => (
                <li key={b.hash}>damaged content {b.hash.slice(0, 12)}</li>
              ))}
              {r.missing.slice(0, 20).map((m) => (
                <li key={`${m.artifact}${m.version}${m.path}`}>
                  {m.artifact}@{m.version}: {m.path || '(the file)'} missing
                </li>
              ))}
              {r.badManifests.map((m) => (
                <li key={m}>inconsistent: {m}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** Lineage from data to deployment, the store's verification, and the review report of any run. */
export function ReviewSection({ api, project }: SectionProps) {
  const [graph, setGraph] = useState<Graph | null>(null);
  const [verify, setVerify] = useState<VerifyState | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [target, setTarget] = useState('');
  const [tick, setTick] = useState(0);
  const [bundle, setBundle] = useState<BundleReview | null>(null);
  useEffect(() => {
    let on = true;
    api.call('review.lineage', {}).then(
      (g) => on && setGraph(g),
      (e: StrataErrorData) => on && setError(e),
    );
    return () => {
      on = false;
    };
  }, [api, project.root]);
  useEffect(() => {
    let on = true;
    api.call('review.verify', {}).then(
      (v) => on && setVerify(v),
      (e: StrataErrorData) => on && setError(e),
    );
    return () => {
      on = false;
    };
  }, [api, project.root, tick]);
  useEffect(
    () =>
      api.on('job.update', (j) => j.id === verify?.jobId && j.state !== 'running' && setTick((t) => t + 1)),
    [api, verify?.jobId],
  );

  const open = (n: LineageNode) => {
    if (n.kind === 'deployment') {
      navigate(href('deploy'));
      return;
    }
    if (n.kind === 'run') {
      navigate(href('runs', [n.ref]));
      return;
    }
    const at = n.ref.lastIndexOf('@');
    const section = n.kind === 'dataset' ? 'data' : 'models';
    navigate(href(section, [n.ref.slice(0, at), n.ref.slice(at + 1)]));
  };
  const runs = graph?.nodes.filter((n) => n.kind === 'run') ?? [];
  const exportReview = () =>
    api.call('review.html', { target: target || runs[0].ref }).then(
      ({ fileName, html }) => downloadHtml(fileName, html),
      (e: StrataErrorData) => setError(e),
    );
  const startVerify = () =>
    api.call('review.verify', { start: true }).then(setVerify, (e: StrataErrorData) => setError(e));

  if (bundle)
    return (
      <>
        <SectionHeader
          title="Review"
          subtitle="A deploy bundle, verified and unpacked read-only: nothing from it is in this project."
        />
        <button type="button" className="btn btn--small rv-back" onClick={() => setBundle(null)}>
          ← Back to {project.name}
        </button>
        <BundleReviewView api={api} review={bundle} />
      </>
    );
  return (
    <>
      <SectionHeader
        title="Review"
        subtitle={`Where ${project.name}'s models come from, whether its store is intact, and one file for a reviewer.${project.readOnly ? ' Open read-only: nothing is written into the folder.' : ''}`}
      />
      {error && <ErrorNotice error={error} />}
      <div className="rv-layout">
        <div>
          {graph && graph.nodes.length === 0 ? (
            <EmptyState title="No lineage yet" command="strata run">
              <p>
                Runs link the dataset versions they read to the model versions they write; they appear here.
              </p>
            </EmptyState>
          ) : (
            <div className="rv-graph">{graph && <LineageGraph graph={graph} onOpen={open} />}</div>
          )}
        </div>
        <aside>
          {verify && <VerifyCard state={verify} onStart={startVerify} />}
          <div className="rv-card">
            <h2>Deploy bundle</h2>
            <OpenBundle api={api} onOpen={setBundle} />
          </div>
          {runs.length > 0 && (
            <div className="rv-card">
              <h2>Review report</h2>
              <p className="muted">
                One HTML file: code, environment, params, data versions, metrics, checks and the reproduction
                verdict.
              </p>
              <label className="field-label" htmlFor="rv-target">
                Run
              </label>
              <select
                id="rv-target"
                value={target || runs[0].ref}
                onChange={(e) => setTarget(e.target.value)}
                data-testid="review-target"
              >
                {runs.map((r) => (
                  <option key={r.ref} value={r.ref}>
                    {r.label} ({r.ref})
                  </option>
                ))}
              </select>{' '}
              <button
                type="button"
                className="btn btn--small"
                onClick={exportReview}
                data-testid="review-export"
              >
                Export review
              </button>
            </div>
          )}
        </aside>
      </div>
    </>
  );
}
