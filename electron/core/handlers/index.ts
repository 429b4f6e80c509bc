import type { Calls } from '../../../shared/api/index.js';
import type { Handlers } from '../engine.js';
import { appHandlers } from './app.js';
import { projectHandlers } from './project.js';
import { jobHandlers } from './jobs.js';
import { artifactHandlers } from './artifacts.js';
import { compareHandlers } from './compare.js';
import { runHandlers } from './runs.js';
import { pipelineHandlers } from './pipelines.js';
import { driftHandlers } from './drift.js';
import { validationHandlers } from './validation.js';
import { gateHandlers } from './gates.js';
import { reviewHandlers } from './review.js';
import { deployHandlers } from './deploy.js';
import { bundleHandlers } from './bundle.js';
import { importHandlers } from './imports.js';
import { ctHandlers } from './ct.js';
import { remoteHandlers } from './remotes.js';

/** One handler per call of the contract; the compiler rejects a call without one. */
export const handlers: Handlers<Calls> = {
  ...appHandlers,
  ...projectHandlers,
  ...jobHandlers,
  ...artifactHandlers,
  ...compareHandlers,
  ...runHandlers,
  ...pipelineHandlers,
  ...driftHandlers,
  ...validationHandlers,
  ...gateHandlers,
  ...reviewHandlers,
  ...deployHandlers,
  ...bundleHandlers,
  ...importHandlers,
  ...ctHandlers,
  ...remoteHandlers,
};
