import { useEffect } from 'react';
import type { Api, FsckReport, GcReport, JobInfo } from '../../../shared/api/index.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatCount } from '../../components/format.js';
import { progressFraction, progressText } from '../../jobs/format.js';
import { useArtifactsStore } from '../../stores/artifacts.js';
import { useJobsStore } from '../../stores/jobs.js';
import { bytes } from './format.js';
import { checkReport, graceMinutes, useStoreHealth } from './storeHealth.js';

/** Rows of a long damage list shown before "and N more". */
const SHOWN = 50;

function objects(n: number): string {
  return `${formatCount(n)} object${n === 1 ? '' : 's'}`;
}

/**
 * The object store at a glance, under the section header: how much it holds, an integrity check
 * (a job, cancellable) with what it found, and a clean-up that shows what it would remove first.
 */
export function StorePanel({ api, root }: { api: Api; root: string }) {
  const h = useStoreHealth();
  const artifacts = useArtifactsStore((s) => s.artifacts);
  const job = useJobsStore((s) => (h.check ? s.jobs[h.check.jobId] : undefined));
  const checking = h.check !== null && h.check.ended === null;
  const ended = h.check?.ended ?? null;
  const report = checkReport(ended);
  // A new version may have stored new objects.
  useEffect(() => {
    h.forProject(root);
    void h.loadTotals(api);
  }, [api, root, artifacts]);

  return (
    <section className="dv-store" aria-label="Object store" data-testid="store-panel">
      <div className="dv-store__bar">
        <h2 className="dv-store__title">Object store</h2>
        <span className="dv-store__totals" data-testid="store-totals" title={h.totalsError ?? undefined}>
          {h.totalsError
            ? 'totals unavailable'
            : h.totals === null
              ? '…'
              : h.totals.count === 0
                ? 'empty: nothing versioned yet'
                : `${objects(h.totals.count)} · ${bytes(h.totals.bytes)}`}
        </span>
        <span className="dv-store__status" role="status" data-testid="fsck-status">
          {checking && 'Checking…'}
          {report?.ok && (
            <span className="dv-ok" data-testid="fsck-ok">
              ✓ No damage: {objects(report.objects)} ({bytes(report.bytes)}) and{' '}
              {formatCount(report.manifests)} manifest{report.manifests === 1 ? '' : 's'} verified
              {ended?.endedAt
                ? ` · ${new Date(ended.endedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
                : ''}
            </span>
          )}
          {ended?.state === 'cancelled' && `Check cancelled after ${progressText(ended)}`}
        </span>
        <div className="dv-store__actions">
          <button
            type="button"
            className="btn btn--small"
            onClick={() => void h.startCheck(api)}
            disabled={checking}
            data-testid="store-check"
          >
            Check integrity
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => void h.previewCleanup(api)}
            disabled={checking || h.cleaning}
            data-testid="store-cleanup"
          >
            Clean up…
          </button>
        </div>
      </div>
      {checking && <CheckProgress api={api} job={job} />}
      {ended?.state === 'failed' && ended.error && (
        <ErrorNotice error={ended.error} title="The check could not finish" />
      )}
      {report && !report.ok && (
        <DamageReport
          report={report}
          pathOf={(name) => artifacts.find((a) => a.name === name)?.path}
          onHide={() => useStoreHealth.setState({ check: null })}
        />
      )}
      {h.error && <ErrorNotice error={h.error} onDismiss={h.dismissError} />}
      {h.cleanup && (
        <CleanupPanel
          report={h.cleanup.report}
          applied={h.cleanup.phase === 'applied'}
          busy={h.cleaning}
          checking={checking}
          onApply={() => void h.applyCleanup(api)}
          onClose={h.closeCleanup}
        />
      )}
    </section>
  );
}

function CheckProgress({ api, job }: { api: Api; job: JobInfo | undefined }) {
  const fraction = job ? progressFraction(job) : null;
  return (
    <div className="dv-store__progress" data-testid="fsck-progress">
      <div
        className={`progress${fraction === null ? ' progress--indeterminate' : ''}`}
        role="progressbar"
        aria-label="Checking the object store"
        aria-valuemin={0}
        aria-valuemax={fraction === null ? undefined : 100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
        aria-valuetext={job ? progressText(job) : undefined}
      >
        <div
          className="progress__bar"
          style={fraction === null ? undefined : { width: `${fraction * 100}%` }}
        />
      </div>
      <span className="hint">Re-hashing every stored object{job ? `: ${progressText(job)}` : ''}</span>
      {job && (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => void api.call('jobs.cancel', { id: job.id }).catch(() => undefined)}
        >
          Cancel
        </button>
      )}
    </div>
  );
}

/** A file of a version where it sits in the workspace: a single-file artifact's one entry has no path of its own. */
function workspacePath(artifactPath: string | undefined, entry: string): string {
  if (artifactPath === undefined) return entry;
  return entry === '' ? artifactPath : `${artifactPath}/${entry}`;
}

function DamageReport({
  report,
  pathOf,
  onHide,
}: {
  report: FsckReport;
  pathOf(artifact: string): string | undefined;
  onHide(): void;
}) {
  const versions = new Set(report.missing.map((m) => `${m.artifact}@${m.version}`));
  const summary = [
    report.missing.length > 0 &&
      `${formatCount(report.missing.length)} file${report.missing.length === 1 ? '' : 's'} in ${formatCount(versions.size)} version${versions.size === 1 ? '' : 's'} lost their content`,
    report.bad.length > 0 && `${objects(report.bad.length)} damaged, moved to quarantine`,
    report.badManifests.length > 0 &&
      `${formatCount(report.badManifests.length)} bad manifest${report.badManifests.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return (
    <div className="dv-store__report" role="alert" data-testid="fsck-report">
      <div className="dv-pane__head">
        <h3 className="dv-h3 dv-error">Damage found: {summary.join('; ')}</h3>
        <button type="button" className="btn btn--ghost btn--small" onClick={onHide}>
          Hide
        </button>
      </div>
      {report.missing.length > 0 && (
        <table className="dv-grid dv-store__table" data-testid="fsck-missing">
          <thead>
            <tr>
              <th>Version</th>
              <th>File that lost its content</th>
              <th>Content</th>
            </tr>
          </thead>
          <tbody>
            {report.missing.slice(0, SHOWN).map((m) => (
              <tr key={`${m.artifact}@${m.version}/${m.path}`} data-testid="fsck-missing-row">
                <td className="dv-nowrap">
                  {m.artifact}@{m.version}
                </td>
                <td className="dv-store__path">{workspacePath(pathOf(m.artifact), m.path)}</td>
                <td>
                  <code className="dv-hash" title={m.hash}>
                    {m.hash.slice(0, 12)}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.missing.length > SHOWN && (
        <p className="hint">
          … and {formatCount(report.missing.length - SHOWN)} more; <code>strata fsck --json</code> lists them
          all.
        </p>
      )}
      {report.bad.length > 0 && (
        <>
          <h4 className="dv-store__h4">Damaged contents, moved out of the store</h4>
          <ul className="dv-store__list" data-testid="fsck-bad">
            {report.bad.slice(0, SHOWN).map((b) => (
              <li key={b.hash} data-testid="fsck-bad-row">
                <code className="dv-hash" title={b.hash}>
                  {b.hash.slice(0, 12)}
                </code>{' '}
                → <code className="dv-store__path">{b.quarantinedTo}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {report.badManifests.length > 0 && (
        <>
          <h4 className="dv-store__h4">Manifests that do not match their hash</h4>
          <ul className="dv-store__list">
            {report.badManifests.map((m) => (
              <li key={m}>
                <code className="dv-store__path">{m}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="hint">
        If the workspace still has a file with a lost content, versioning it again stores that content again.
      </p>
    </div>
  );
}

interface CleanupProps {
  report: GcReport;
  applied: boolean;
  busy: boolean;
  checking: boolean;
  onApply(): void;
  onClose(): void;
}

/** A dry run first; only an explicit second click removes anything. */
function CleanupPanel({ report, applied, busy, checking, onApply, onClose }: CleanupProps) {
  const what = `${objects(report.unreferenced)} (${bytes(report.bytes)})`;
  return (
    <div
      className="dv-store__cleanup"
      role="region"
      aria-label="Clean up the object store"
      data-testid="gc-panel"
      data-phase={applied ? 'applied' : 'preview'}
    >
      <p className="dv-store__gc-summary" data-testid="gc-summary">
        {applied
          ? `Removed ${what} that no version used.`
          : report.unreferenced === 0
            ? 'Nothing to remove: every stored object belongs to a version.'
            : `${what} belong to no version and would be removed.`}
      </p>
      {report.young > 0 && (
        <p className="hint" data-testid="gc-young">
          {objects(report.young)} younger than {graceMinutes} minutes {report.young === 1 ? 'is' : 'are'}{' '}
          kept: an add may still be writing {report.young === 1 ? 'it' : 'them'}.
        </p>
      )}
      {checking && !applied && report.unreferenced > 0 && (
        <p className="hint">Removing waits until the integrity check has finished.</p>
      )}
      <div className="dv-store__confirm">
        {!applied && report.unreferenced > 0 && (
          <button
            type="button"
            className="btn btn--small dv-btn-danger"
            onClick={onApply}
            disabled={busy || checking}
            data-testid="gc-apply"
          >
            {busy ? 'Removing…' : `Remove ${objects(report.unreferenced)}`}
          </button>
        )}
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={onClose}
          autoFocus
          data-testid="gc-close"
        >
          {applied || report.unreferenced === 0 ? 'Close' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}
