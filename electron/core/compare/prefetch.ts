import type { ProjectServiceFactory } from '../project-service.js';
import { comparePool } from './pool.js';

/** Long enough that a project opened and closed again (a CLI call, a test) never starts a worker. */
const DELAY_MS = 1000;

/**
 * Reads the runs table in the compare worker shortly after a project opens, so the first visit to
 * Compare finds it ready (the worker keeps it while the database is unchanged). Projects without
 * runs are left alone.
 */
export const comparePrefetch: ProjectServiceFactory = (project) => {
  const timer = setTimeout(() => {
    if (!project.db.open || !project.db.prepare('SELECT 1 FROM runs LIMIT 1').get()) return;
    comparePool.run({ op: 'table', dbPath: project.dbPath }, 0).catch(() => undefined);
  }, DELAY_MS);
  timer.unref();
  return { dispose: () => clearTimeout(timer) };
};
