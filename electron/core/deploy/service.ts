// The services a long-running host owns: found again when a project opens (adopted if still
// serving, started again if the app stopped them when it quit) and stopped when it closes, unless
// a deployment is marked to keep running.
import type { Engine } from '../engine.js';
import type { ProjectService } from '../project-service.js';
import type { Project } from '../project/project.js';
import { targetsOf, startHttp } from './deploy.js';
import { allActive, updateDeployment } from './records.js';
import { serverAlive, stopServer, freePort } from './server.js';

const STOPPED_AT_QUIT = 'stopped when the app quit';

export function deployService(project: Project, _engine: Engine): ProjectService {
  let closed = false;
  const started = (async () => {
    for (const d of allActive(project)) {
      const t = targetsOf(project)[d.target];
      if (d.type !== 'http' || t?.type !== 'http' || serverAlive(d.pid) || closed) continue;
      if (d.pid !== null || !d.modelDir || !d.message?.endsWith(STOPPED_AT_QUIT)) {
        updateDeployment(project, d.id, { pid: null, message: `${d.message ?? ''}; found not running` });
        continue;
      }
      try {
        const s = await startHttp(
          project,
          { id: d.id, target: d.target, modelDir: d.modelDir, model: d.model, version: d.version },
          t,
          t.port ?? d.port ?? (await freePort()),
        );
        updateDeployment(project, d.id, {
          pid: s.pid,
          port: s.port,
          url: s.url,
          message: d.message.slice(0, -STOPPED_AT_QUIT.length - 2),
        });
      } catch (err) {
        updateDeployment(project, d.id, { message: `could not be started again: ${(err as Error).message}` });
      }
    }
  })().catch(() => undefined);
  return {
    async dispose() {
      closed = true;
      await started;
      for (const d of allActive(project)) {
        if (d.type !== 'http' || d.keepRunning || d.pid === null) continue;
        await stopServer(d.pid);
        updateDeployment(project, d.id, { pid: null, message: `${d.message ?? ''}; ${STOPPED_AT_QUIT}` });
      }
    },
  };
}
