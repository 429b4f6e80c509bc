import { useEffect, useState } from 'react';
import type { Api, JobInfo, RemoteStatus } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useArtifactsStore } from '../../stores/artifacts.js';
import { useRemotesStore } from '../../stores/remotes.js';

function summary(s: RemoteStatus): string {
  if (s.error) return s.error;
  const parts = [`${s.both} version${s.both === 1 ? '' : 's'} on both sides`];
  if (s.onlyHere.length) parts.push(`${s.onlyHere.length} to push`);
  if (s.onlyThere.length) parts.push(`${s.onlyThere.length} to pull`);
  if (s.conflicts.length) parts.push(`${s.conflicts.length} differ: ${s.conflicts.join(', ')}`);
  return parts.join(' · ');
}

/**
 * The remotes of strata.yaml under the object store: which versions each side has, and push or pull
 * of everything missing. The transfer is a job: its bytes, rate and time left show in the jobs tray.
 * Nothing is shown for a project without remotes.
 */
export function RemotesPanel({ api, root }: { api: Api; root: string }) {
  const status = useRemotesStore((s) => s.status);
  const refresh = useRemotesStore((s) => s.refresh);
  const readError = useRemotesStore((s) => s.error);
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setError] = useState<StrataErrorData | null>(null);
  const error = failed ?? readError;
  const load = useArtifactsStore((s) => s.load);
  // A new version (added, watched, pulled) changes what is only here.
  const artifacts = useArtifactsStore((s) => s.artifacts);

  useEffect(() => {
    void refresh(api);
  }, [api, refresh, root, artifacts]);

  const transfer = async (call: 'remotes.push' | 'remotes.pull', remote: string) => {
    setBusy(`${call} ${remote}`);
    setError(null);
    try {
      const { jobId } = await api.call(call, { remote, all: true, versions: [] });
      const job: JobInfo = await api.call('jobs.wait', { id: jobId });
      if (job.state === 'failed' && job.error) setError(job.error);
      await Promise.all([refresh(api), load(api)]);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(null);
    }
  };

  if (!status?.length && !error) return null;
  return (
    <section className="dv-store" aria-label="Remotes" data-testid="remotes-panel">
      {status?.map((s) => (
        <div className="dv-store__bar" key={s.name} data-testid={`remote-${s.name}`}>
          <h2 className="dv-store__title">Remote {s.name}</h2>
          <span className="dv-store__totals" title={s.where}>
            {s.type} · {s.where}
          </span>
          <span className="dv-store__status" data-testid="remote-summary">
            {summary(s)}
          </span>
          <div className="dv-store__actions">
            <button
              type="button"
              className="btn btn--small"
              disabled={busy !== null || s.error !== null || s.onlyHere.length === 0}
              onClick={() => void transfer('remotes.push', s.name)}
            >
              Push all
            </button>
            <button
              type="button"
              className="btn btn--small"
              disabled={busy !== null || s.error !== null || s.onlyThere.length === 0}
              onClick={() => void transfer('remotes.pull', s.name)}
            >
              Pull all
            </button>
          </div>
        </div>
      ))}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}
