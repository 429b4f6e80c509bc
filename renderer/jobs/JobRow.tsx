import { useState } from 'react';
import type { JobInfo } from '../../shared/api/index.js';
import { useApi } from '../app/context.js';
import { durationText, outcomeText, progressFraction, progressText } from './format.js';

const stateLabel: Record<JobInfo['state'], string> = {
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function JobRow({ job }: { job: JobInfo }) {
  const api = useApi();
  const [cancelling, setCancelling] = useState(false);
  const fraction = progressFraction(job);
  const running = job.state === 'running';

  async function cancel() {
    setCancelling(true);
    try {
      await api.call('jobs.cancel', { id: job.id });
    } catch {
      // The job may have ended meanwhile; its final state arrives as an event either way.
      setCancelling(false);
    }
  }

  return (
    <li className={`job job--${job.state}`} data-testid="job" data-job-id={job.id} data-state={job.state}>
      <div className="job__top">
        <span className="job__label">{job.label}</span>
        <span className={`job__state job__state--${job.state}`}>{stateLabel[job.state]}</span>
      </div>
      {running && (
        <div
          className={`progress${fraction === null ? ' progress--indeterminate' : ''}`}
          role="progressbar"
          aria-label={job.label}
          aria-valuemin={0}
          aria-valuemax={fraction === null ? undefined : 100}
          aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
          aria-valuetext={progressText(job)}
        >
          <div
            className="progress__bar"
            style={fraction === null ? undefined : { width: `${fraction * 100}%` }}
          />
        </div>
      )}
      <div className="job__bottom">
        <span className="job__detail" title={job.state === 'failed' ? job.error?.message : undefined}>
          {running ? progressText(job) : outcomeText(job)}
        </span>
        {running ? (
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => void cancel()}
            disabled={cancelling}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <span className="job__time">{durationText(job)}</span>
        )}
      </div>
    </li>
  );
}
