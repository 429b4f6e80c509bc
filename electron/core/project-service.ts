import type { Engine } from './engine.js';
import type { Project } from './project/project.js';

/**
 * Background work that lives as long as a project is open in a long-running host (Electron or
 * `strata ui`): watchers, automatic re-runs, inbox ingestion. The CLI's engine starts none.
 */
export interface ProjectService {
  dispose(): void | Promise<void>;
}

export type ProjectServiceFactory = (project: Project, engine: Engine) => ProjectService;
