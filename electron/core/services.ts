import type { Engine } from './engine.js';
import type { Project } from './project/project.js';

/**
 * Background work that lives as long as a project is open in a long-running host (Electron or
 * `strata ui`): watchers, automatic re-runs, inbox ingestion. CLI commands do not start them.
 */
export interface ProjectService {
  dispose(): void | Promise<void>;
}

export type ProjectServiceFactory = (project: Project, engine: Engine) => ProjectService;

/** The services started for every opened project, in order. A domain adds its factory here. */
export const projectServices: ProjectServiceFactory[] = [];
