import { useEffect, useState } from 'react';
import type { Api, DeployResult, JobInfo } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';

export interface DeployJobState {
  job: JobInfo | null;
  result: DeployResult | null;
  error: StrataErrorData | null;
}

/** Follows a deploy or rollback job by its events: progress while it runs, then its result or error. */
export function useDeployJob(api: Api, jobId: string | null): DeployJobState {
  const [state, setState] = useState<DeployJobState>({ job: null, result: null, error: null });
  useEffect(() => {
    if (!jobId) return;
    setState({ job: null, result: null, error: null });
    const take = (j: JobInfo) => {
      if (j.id !== jobId) return;
      setState({
        job: j,
        result: j.state === 'done' ? (j.result as DeployResult) : null,
        error: j.error ?? (j.state === 'cancelled' ? { code: 'CANCELLED', message: 'Cancelled' } : null),
      });
    };
    const off = api.on('job.update', take);
    // The job may have ended before the subscription: ask for its end too.
    void api.call('jobs.wait', { id: jobId }).then(take, () => undefined);
    return off;
  }, [api, jobId]);
  return state;
}
