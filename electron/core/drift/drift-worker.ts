// Drift's heavy work, off the host's event loop: reading samples, sorting, every statistic.
import type { DriftReport, DriftSettings } from '../../../shared/api/drift.js';
import { serveWorker } from '../jobs/worker.js';
import { compareProfiles } from './compare.js';
import { cachedProfile, cacheProfile, readSample } from './load.js';
import { compareTables } from './parallel.js';
import { profileTable } from './profile.js';
import type { SampleInput } from './source.js';

export interface CompareJob {
  reference: SampleInput;
  current: SampleInput;
  columns?: string[];
  settings?: Partial<DriftSettings>;
}

serveWorker<CompareJob, DriftReport>(async (job) => {
  const labels = { reference: job.reference.label, current: job.current.label };
  const refCached = cachedProfile(job.reference);
  const curCached = cachedProfile(job.current);
  if (refCached && curCached) return compareProfiles(refCached, curCached, labels, job.settings, job.columns);
  if (refCached || curCached) {
    // One side is stored: only the other is read and sorted, on this thread.
    const missing = refCached ? job.current : job.reference;
    const profile = profileTable(await readSample(missing));
    cacheProfile(missing, profile);
    return refCached
      ? compareProfiles(refCached, profile, labels, job.settings, job.columns)
      : compareProfiles(profile, curCached!, labels, job.settings, job.columns);
  }
  const [reference, current] = [await readSample(job.reference), await readSample(job.current)];
  const out = await compareTables(reference, current, labels, job.settings, job.columns);
  // Profiles of some columns only would pass for the whole version's later on.
  if (!job.columns) {
    cacheProfile(job.reference, out.reference);
    cacheProfile(job.current, out.current);
  }
  return out.report;
});
