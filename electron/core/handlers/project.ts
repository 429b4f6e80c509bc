import path from 'node:path';
import { projectCalls } from '../../../shared/api/project.js';
import type { Handlers } from '../engine.js';
import { loadDag } from '../pipeline/plan.js';
import { ensureGitignored } from '../project/gitignore.js';
import type { Project } from '../project/project.js';
import { inspectFolder } from '../project/project.js';
import { projectStatus, scanProject } from '../project/status.js';

/** What Strata versions in a project: declared artifacts and the stages' outs (a broken pipeline: the artifacts). */
function keptPaths(project: Project): string[] {
  const artifacts = Object.values(project.config.config.artifacts).map((a) => a.path);
  let outs: string[] = [];
  try {
    outs = loadDag(project).order.flatMap((s) => s.outs);
  } catch {
    // shown by the config banner; the outs are added by the next init or add once it is fixed
  }
  return [...artifacts, ...outs];
}

export const projectHandlers: Handlers<typeof projectCalls> = {
  'project.inspect': ({ path: dir }) => inspectFolder(path.resolve(dir)),
  'project.open': ({ path: dir, readOnly }, engine) => {
    engine.openProject(dir, 'open', readOnly);
    return engine.summary()!;
  },
  'project.init': ({ path: dir }, engine) => {
    engine.openProject(dir, 'init');
    ensureGitignored(engine.requireProject().root, keptPaths(engine.requireProject()));
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
