import type { DriftReport } from '../../../shared/api/drift.js';
import { runWorker } from '../jobs/worker.js';
import type { Project } from '../project/project.js';
import type { CompareJob } from './drift-worker.js';
import { resolveSample } from './source.js';

/** `strata drift` and drift.compare: two dataset versions or files, every column (or those named). */
export function compareSamples(
  project: Project,
  reference: string,
  current: string,
  columns?: string[],
): Promise<DriftReport> {
  const job: CompareJob = {
    reference: resolveSample(project, reference),
    current: resolveSample(project, current),
    columns: columns?.length ? columns : undefined,
  };
  return runWorker<CompareJob, DriftReport>(new URL('./drift-worker.js', import.meta.url), job);
}
