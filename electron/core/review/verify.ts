import type { VerifyState } from '../../../shared/api/review.js';
import type { Engine } from '../engine.js';
import type { ProjectServiceFactory } from '../project-service.js';
import type { Project } from '../project/project.js';
import { fsck } from '../store/fsck.js';

const states = new WeakMap<Project, VerifyState>();

/** Starts checking every stored hash as a job (unless one ran in this session) and returns its state. */
export function startVerify(project: Project, engine: Engine): VerifyState {
  const known = states.get(project);
  if (known && known.state !== 'failed') return known;
  const state: VerifyState = { state: 'running', jobId: null, report: null, error: null };
  states.set(project, state);
  const { job, done } = engine.jobs.start(
    { label: 'Verifying every stored hash', unit: 'objects' },
    async (ctx) => {
      const report = await fsck(project, { signal: ctx.signal, onProgress: (d, t) => ctx.progress(d, t) });
      // fsck reports every few hundred objects: a small store would otherwise end at "0 objects".
      ctx.progress(report.objects, report.objects);
      return report;
    },
  );
  state.jobId = job.id;
  done.then(
    (report) => {
      state.state = 'done';
      state.report = report;
    },
    (err: Error) => {
      state.state = 'failed';
      state.error = err.message;
    },
  );
  return state;
}

export function verifyState(project: Project): VerifyState {
  return states.get(project) ?? { state: 'none', jobId: null, report: null, error: null };
}

/** A project opened for review is verified in the background as soon as it opens. */
export const verifyOnOpen: ProjectServiceFactory = (project, engine) => {
  startVerify(project, engine);
  return { dispose: () => undefined };
};
