import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import type { ProjectService } from '../project-service.js';
import { onVersioned } from '../store/events.js';
import { validateVersion } from './run.js';
import { loadValidations } from './rules.js';

/**
 * While a project is open in the app, a new version of a dataset that has rules is validated as soon
 * as it is recorded (by the watcher, an add or a run), one at a time, and the UI is told.
 */
export function validateOnRecord(project: Project, engine: Engine): ProjectService {
  let queue = Promise.resolve();
  let disposed = false;
  const unsubscribe = onVersioned((p, { version, created }) => {
    if (p !== project || !created || disposed) return;
    queue = queue.then(async () => {
      if (disposed || !project.db.open) return;
      try {
        for (const entry of (await loadValidations(project)).filter((e) => e.artifact === version.artifact)) {
          const report = await validateVersion(project, entry, version);
          if (!disposed)
            engine.emit('validation.report', {
              id: report.id,
              name: report.name,
              artifact: report.artifact,
              version: report.version,
              status: report.status,
              counts: report.counts,
              createdAt: report.createdAt,
            });
        }
      } catch {
        // Rules that cannot be read are shown where they are used (the Validation screen, strata validate).
      }
    });
  });
  return {
    dispose: async () => {
      disposed = true;
      unsubscribe();
      await queue;
    },
  };
}
