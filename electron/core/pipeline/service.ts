import type { ProjectServiceFactory } from '../project-service.js';
import { closeSeriesDb } from '../metrics/reader.js';
import { closeActiveRuns } from '../runs/cancel.js';
import { watchExternalRuns } from '../runs/external.js';
import { refreshRuns } from '../runs/refresh.js';
import { runSummary } from '../runs/repo.js';
import { controllerFor } from './controller.js';
import { downstreamOf } from './dag.js';
import { loadDag } from './plan.js';

const INBOX_POLL_MS = 5000;
const AUTO_DEBOUNCE_MS = 500;

/**
 * While a project is open: runs whose runner died show as interrupted, runs logged from a terminal
 * (the inbox) are ingested, runs another process starts or ends are announced within a poll, and a new dataset version recorded by the watcher re-runs the stages
 * that read it where auto_run is set.
 */
export const pipelineService: ProjectServiceFactory = (project, engine) => {
  const refresh = () => {
    if (project.db.open)
      refreshRuns(project, engine).catch((err: Error) => {
        // A terminal run that cannot be taken in now (a full disk…) stays in the inbox for the next poll.
        if (project.db.open) console.error(`strata: inbox: ${err.message}`);
      });
  };
  refresh();
  const poll = setInterval(refresh, INBOX_POLL_MS);
  const stopWatching = watchExternalRuns(project, (ids) => {
    for (const id of ids) engine.emit('run.update', runSummary(project, id));
  });
  const controller = controllerFor(project, engine);
  let changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    const paths = [...changed];
    changed = new Set();
    try {
      const stages = downstreamOf(loadDag(project), paths).filter((s) => s.autoRun);
      if (stages.length) controller.trigger(stages.map((s) => s.name));
    } catch {
      // A broken strata.yaml is already shown by the config banner; nothing runs until it is fixed.
    }
  };
  const unsubscribe = engine.subscribe((event, payload) => {
    if (event !== 'artifact.versioned' || engine.project !== project) return;
    const { version, created } = payload as {
      version: { source: string; artifact: string };
      created: boolean;
    };
    // Versions a run wrote itself must not start another run.
    if (!created || version.source === 'run') return;
    const row = project.db
      .prepare('SELECT path FROM artifacts WHERE name = ?')
      .pluck()
      .get(version.artifact) as string | undefined;
    if (!row) return;
    changed.add(row);
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, AUTO_DEBOUNCE_MS);
  });
  return {
    dispose: async () => {
      clearInterval(poll);
      stopWatching();
      if (timer) clearTimeout(timer);
      unsubscribe();
      // The end is recorded at once, in case the step outlives its grace; then the runner is let
      // finish its own bookkeeping (stopping the step's group, flushing its log) before the
      // engine closes the database.
      if (project.db.open) closeActiveRuns(project);
      await controller.stop();
      closeSeriesDb(project);
    },
  };
};
