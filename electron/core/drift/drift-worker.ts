// Drift's heavy work, off the host's event loop: reading samples, sorting, every statistic.
import type { DriftReport, DriftSettings } from '../../../shared/api/drift.js';
import { serveWorker } from '../jobs/worker.js';
import { compareProfiles } from './compare.js';
import { loadProfile } from './load.js';
import type { SampleInput } from './source.js';

export interface CompareJob {
  reference: SampleInput;
  current: SampleInput;
  columns?: string[];
  settings?: Partial<DriftSettings>;
}

serveWorker<CompareJob, DriftReport>(async (job) => {
  const reference = await loadProfile(job.reference);
  const current = await loadProfile(job.current);
  return compareProfiles(
    reference,
    current,
    { reference: job.reference.label, current: job.current.label },
    job.settings,
    job.columns,
  );
});
