import fs from 'node:fs';
import path from 'node:path';
import type { JobInfo } from '../../../shared/api/jobs.js';
import type { ProjectStatus } from '../../../shared/api/project.js';
import type { Engine } from '../engine.js';
import { runWorker } from '../jobs/worker.js';
import type { Project } from './project.js';
import type { ScanResult } from './scan-worker.js';

/** Row counts of every table, so `strata status` shows what the project holds. */
function tableCounts(project: Project): Record<string, number> {
  const tables = project.db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.map((t) => [t, project.db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
}

function objectTotals(dir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop() as string;
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        count++;
        bytes += fs.statSync(p).size;
      }
    }
  }
  return { count, bytes };
}

export function projectStatus(project: Project): Omit<ProjectStatus, 'configError'> {
  return {
    ...project.summary(),
    journalMode: project.db.pragma('journal_mode', { simple: true }) as string,
    objects: objectTotals(project.objectsDir),
    counts: tableCounts(project),
  };
}

/** Counts the files and bytes of the project's workspace in a worker thread, as a cancellable job. */
export function scanProject(engine: Engine): JobInfo {
  const project = engine.requireProject();
  return engine.jobs.start({ label: `Scanning ${project.name}`, unit: 'files' }, (ctx) =>
    runWorker<{ root: string }, ScanResult>(new URL('./scan-worker.js', import.meta.url), { root: project.root }, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done, total),
    }),
  ).job;
}
