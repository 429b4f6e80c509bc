import { useShallow } from 'zustand/react/shallow';
import { finishedJobs, runningJobs, useJobsStore } from '../stores/jobs.js';
import { useUiStore } from '../stores/ui.js';
import { JobRow } from './JobRow.js';

/**
 * Background work at a glance: a status-bar button with the running count that shows or hides the
 * jobs panel. The panel opens by itself when a job starts, so long work is never invisible.
 */
export function JobsButton() {
  const running = useJobsStore(useShallow(runningJobs));
  const open = useUiStore((s) => s.trayOpen);
  const setOpen = useUiStore((s) => s.setTrayOpen);

  return (
    <div className="statusbar__right">
      <button
        type="button"
        className={`statusbar__jobs${running.length ? ' statusbar__jobs--busy' : ''}`}
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-controls="jobs-tray"
        data-testid="jobs-button"
      >
        {running.length ? (
          <span className="spinner" aria-hidden="true" />
        ) : (
          <span className="dot" aria-hidden="true" />
        )}
        {running.length
          ? `${running.length} job${running.length === 1 ? '' : 's'} running`
          : 'No jobs running'}
      </button>
    </div>
  );
}

/**
 * Each job's progress, outcome and a cancel button, in a column of the frame beside the section: it
 * takes its own space and never covers the page.
 */
export function JobsPanel() {
  const running = useJobsStore(useShallow(runningJobs));
  const finished = useJobsStore(useShallow(finishedJobs));
  const dismissFinished = useJobsStore((s) => s.dismissFinished);
  const setOpen = useUiStore((s) => s.setTrayOpen);
  return (
    <section className="tray" id="jobs-tray" aria-label="Jobs" data-testid="jobs-tray">
      <header className="tray__header">
        <h2 className="tray__title">Jobs</h2>
        <div className="tray__actions">
          {finished.length > 0 && (
            <button type="button" className="btn btn--ghost btn--small" onClick={dismissFinished}>
              Clear finished
            </button>
          )}
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => setOpen(false)}
            aria-label="Hide jobs"
          >
            Hide
          </button>
        </div>
      </header>
      {running.length === 0 && finished.length === 0 ? (
        <p className="tray__empty">
          Long work — scans, imports, pipeline runs — shows its progress here, and can be cancelled.
        </p>
      ) : (
        <ul className="tray__list">
          {[...running, ...finished].map((j) => (
            <JobRow key={j.id} job={j} />
          ))}
        </ul>
      )}
    </section>
  );
}
