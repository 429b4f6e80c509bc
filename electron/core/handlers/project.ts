import path from 'node:path';
import { projectCalls } from '../../../shared/api/project.js';
import type { Handlers } from '../engine.js';
import { inspectFolder } from '../project/project.js';
import { projectStatus, scanProject } from '../project/status.js';

export const projectHandlers: Handlers<typeof projectCalls> = {
  'project.inspect': ({ path: dir }) => inspectFolder(path.resolve(dir)),
  'project.open': ({ path: dir }, engine) => {
    engine.openProject(dir, 'open');
    return engine.summary()!;
  },
  'project.init': ({ path: dir }, engine) => {
    engine.openProject(dir, 'init');
    return engine.summary()!;
  },
  'project.close': async (_p, engine) => {
    await engine.closeProject();
    return null;
  },
  'project.current': (_p, engine) => engine.summary(),
  'project.status': (_p, engine) => ({
    ...projectStatus(engine.requireProject()),
    configError: engine.summary()!.configError,
  }),
  'project.scan': (_p, engine) => ({ jobId: scanProject(engine).id }),
};
