import { useEffect, useState } from 'react';
import type { CtCycle } from '../../../shared/api/index.js';
import { useApi } from '../../app/context.js';
import { href, navigate } from '../../stores/route.js';

const NEWS: Partial<Record<CtCycle['status'], string>> = {
  waiting: 'waits for approval',
  succeeded: 'finished',
  failed: 'failed',
  rejected: 'was rejected',
  interrupted: 'was interrupted',
};

/** A CT cycle that finished, failed or waits for a person, over whichever section is open. */
export function CtBanner() {
  const api = useApi();
  const [cycle, setCycle] = useState<CtCycle | null>(null);
  useEffect(
    () =>
      api.on('ct.cycle', (c) => {
        if (!NEWS[c.status]) return;
        setCycle(c);
        if (typeof Notification !== 'undefined' && Notification.permission === 'granted')
          new Notification(`Strata: cycle ${c.id} ${NEWS[c.status]}`, { body: c.outcome ?? c.reason });
      }),
    [api],
  );
  if (!cycle) return null;
  const waiting = cycle.status === 'waiting';
  const decide = (call: 'ct.approve' | 'ct.reject') =>
    void api.call(call, { id: cycle.id }).finally(() => setCycle(null));
  return (
    <div
      className={`banner ${waiting ? 'banner--ask' : cycle.status === 'succeeded' ? 'banner--ok' : 'banner--error'}`}
      role="status"
      data-testid="ct-banner"
    >
      <strong className="banner__title">
        CT cycle {cycle.id} {NEWS[cycle.status]}
      </strong>
      <span className="banner__text">
        {waiting ? `${cycle.model}@${cycle.version}: ${cycle.reason}` : cycle.outcome}
      </span>
      <span className="banner__actions">
        {waiting && (
          <>
            <button className="btn btn--small btn--primary" onClick={() => decide('ct.approve')}>
              Approve
            </button>
            <button className="btn btn--small" onClick={() => decide('ct.reject')}>
              Reject
            </button>
          </>
        )}
        <button
          className="btn btn--small btn--ghost"
          onClick={() => navigate(href('pipelines', ['automation']))}
        >
          Open automation
        </button>
        <button className="btn btn--small btn--ghost" onClick={() => setCycle(null)}>
          Dismiss
        </button>
      </span>
    </div>
  );
}
