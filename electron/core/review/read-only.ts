import type { CallName } from '../../../shared/api/index.js';
import { StrataError } from '../../../shared/errors.js';

/**
 * What a project open for review may be asked: calls that only read it. Anything else — and any call
 * added later until it is listed here — is refused, so review mode cannot write into the folder by
 * accident. Calls that hash the workspace (pipelines.status, project.status) write the stat cache,
 * so they are not here either.
 */
const READS = new Set<CallName>([
  'app.clients',
  'app.info',
  'app.pickFolder',
  'app.pickBundle',
  'recent.list',
  'recent.forget',
  'project.inspect',
  'project.open',
  'project.close',
  'project.current',
  'artifacts.list',
  'artifacts.tree',
  'artifacts.diff',
  'artifacts.watchStatus',
  'artifacts.versions',
  'artifacts.aliasHistory',
  'ct.status',
  'ct.cycles',
  'ct.cycle',
  'ct.champions',
  'artifacts.fsck',
  'compare.table',
  'compare.series',
  'compare.diff',
  'drift.monitors',
  'drift.monitor',
  'drift.report',
  'gates.check',
  'gates.list',
  'gates.overview',
  'gates.html',
  'deploy.targets',
  'deploy.history',
  'bundle.verify',
  'bundle.review',
  'bundle.reviewHtml',
  'bundle.imports',
  'jobs.list',
  'jobs.cancel',
  'jobs.wait',
  'runs.list',
  'runs.get',
  'runs.files',
  'runs.file',
  'runs.logs',
  'metrics.series',
  'validation.list',
  'validation.report',
  'validation.html',
  'validation.trend',
  'reproduce.get',
  'reproduce.latest',
  'review.html',
  'review.lineage',
  'review.verify',
]);

export function refuseWriteInReview(name: CallName): void {
  if (!READS.has(name))
    throw new StrataError(
      'READ_ONLY',
      `the project is open read-only for review: ${name} would change it (open it normally to do this)`,
    );
}
