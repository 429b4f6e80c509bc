import type { Api } from '../../shared/api/index.js';
import { toErrorData } from '../../shared/errors.js';
import { useJobsStore } from '../stores/jobs.js';
import { useProjectStore } from '../stores/project.js';
import { useUiStore } from '../stores/ui.js';

const TRAY_DELAY_MS = 800;

/**
 * Feeds the stores from the engine: push events first, then the current state. An event that lands
 * before the initial answer is newer than it, so the answer must not overwrite it.
 */
export function connectStores(
  api: Api,
  onConnection: (listener: (connected: boolean) => void) => () => void,
): () => void {
  const project = useProjectStore.getState();
  const jobs = useJobsStore.getState();
  let projectEventSeen = false;
  const offProject = api.on('project.changed', (p) => {
    projectEventSeen = true;
    const before = useProjectStore.getState().project;
    if (before?.root !== p?.root) useUiStore.getState().setOverlay(null);
    project.setProject(p);
  });
  const seen = new Set<string>();
  const offJobs = api.on('job.update', (j) => {
    jobs.upsert(j);
    // Long work should never be invisible, but background jobs that finish in a blink (a watched file
    // re-versioned) must not pop the tray open all day: it opens for jobs still running after a
    // moment, and for any job that fails.
    if (j.state === 'running' && !seen.has(j.id)) {
      seen.add(j.id);
      setTimeout(() => {
        if (useJobsStore.getState().jobs[j.id]?.state === 'running') useUiStore.getState().setTrayOpen(true);
      }, TRAY_DELAY_MS);
    } else if (j.state !== 'running') {
      seen.delete(j.id);
      // A failure is never left in the status bar, however quickly it came.
      if (j.state === 'failed') useUiStore.getState().setTrayOpen(true);
    }
  });

  api.call('app.info', {}).then(project.setInfo, (err) => project.setFatal(toErrorData(err)));
  api.call('project.current', {}).then(
    (p) => {
      if (!projectEventSeen) project.setProject(p);
    },
    (err) => project.setFatal(toErrorData(err)),
  );
  api.call('jobs.list', {}).then(jobs.seed, () => undefined);

  // Events sent while the stream was down are lost: after a reconnection, ask again for what they carried.
  const offConnection = onConnection((connected) => {
    const wasOffline = useProjectStore.getState().offline;
    project.setOffline(!connected);
    if (connected && wasOffline) {
      api.call('project.current', {}).then(project.setProject, () => undefined);
      api.call('jobs.list', {}).then(
        (list) => list.forEach(jobs.upsert),
        () => undefined,
      );
    }
  });

  return () => {
    offProject();
    offJobs();
    offConnection();
  };
}
