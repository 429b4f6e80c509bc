import type { ProjectServiceFactory } from './project-service.js';
import { comparePrefetch } from './compare/prefetch.js';
import { pipelineService } from './pipeline/service.js';
import { startWatching } from './watch/service.js';
import { startMonitoring } from './drift/watch.js';
import { validateOnRecord } from './validation/on-record.js';
import { deployService } from './deploy/service.js';
import { ctService } from './ct/service.js';

/** What a long-running host starts for every opened project, in this order. */
export const hostServices: ProjectServiceFactory[] = [
  (project, engine) => startWatching(project, engine),
  pipelineService,
  comparePrefetch,
  (project, engine) => startMonitoring(project, engine),
  validateOnRecord,
  deployService,
  ctService,
];
