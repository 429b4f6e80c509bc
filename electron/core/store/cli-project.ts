import { Project } from '../project/project.js';
import { ensureStore } from './api.js';
import { locateProject } from './locate.js';

export const projectFlag: Record<string, { type: 'string'; help: string }> = {
  project: {
    type: 'string',
    help: 'the project folder (default: the nearest one up from the current folder)',
  },
};

/** Opens the project a versioning command works on, runs fn, and always closes it. */
export async function withProject<T>(
  flags: Record<string, string | boolean | undefined>,
  fn: (project: Project) => Promise<T>,
): Promise<T> {
  const project = Project.open(locateProject(flags.project as string | undefined));
  try {
    ensureStore(project);
    return await fn(project);
  } finally {
    project.close();
  }
}
