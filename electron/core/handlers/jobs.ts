import { jobCalls } from '../../../shared/api/jobs.js';
import type { Handlers } from '../engine.js';

export const jobHandlers: Handlers<typeof jobCalls> = {
  'jobs.list': (_p, engine) => engine.jobs.list(),
  'jobs.cancel': ({ id }, engine) => engine.jobs.cancel(id),
  'jobs.wait': ({ id }, engine) => engine.jobs.wait(id),
};
