import type { ProjectServiceFactory } from '../project-service.js';
import { ctLoopFor } from './loop.js';

/** While the app or `strata ct watch` has a project open, its CT loop listens for triggers. */
export const ctService: ProjectServiceFactory = (project, engine) => {
  const loop = ctLoopFor(project, engine);
  loop.start();
  return { dispose: () => loop.stop() };
};
