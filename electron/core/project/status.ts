import type { JobInfo } from '../../../shared/api/jobs.js';
import type { ProjectStatus } from '../../../shared/api/project.js';
import type { Engine } from '../engine.js';
import { runWorker } from '../jobs/worker.js';
import type { Project } from './project.js';
import type { ScanResult } from './scan-worker.js';
import { listObjects } from '../store/scan-objects.js';

/** Row counts of every table, so `strata status` shows what the project holds. */
function tableCounts(project: Project): Record<string, number> {
  const tables = project.db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [t, project.db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]),
  );
}

/** Objects in the store: loose object files plus packed objects (counted from their rows). */
function objectTotals(project: Project): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const o of listObjects(project.objectsDir)) {
    count++;
    bytes += o.size;
  }
  const packed = project.db
    .prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM packed_objects')
    .get() as { n: number; b: number };
  return { count: count + packed.n, bytes: bytes + packed.b };
}

export function projectStatus(project: Project): Omit<ProjectStatus, 'configError'> {
  return {
    ...project.summary(),
    journalMode: project.db.pragma('journal_mode', { simple: true }) as string,
    objects: objectTotals(project),
    counts: tableCounts(project),
  };
}

/** Counts the files and bytes of the project's workspace in a worker thread, as a cancellable job. */
export function scanProject(engine: Engine): JobInfo {
  const project = engine.requireProject();
  return engine.jobs.start({ label: `Scanning ${project.name}`, unit: 'files' }, (ctx) =>
    runWorker<{ root: string }, ScanResult>(
      new URL('./scan-worker.js', import.meta.url),
      { root: project.root },
      {
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(done, total),
      },
    ),
  ).job;
}
