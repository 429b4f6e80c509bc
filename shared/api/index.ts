import type { CallMap, ParamsOf, PayloadOf, ResultOf } from './define.js';
import { appCalls } from './app.js';
import { projectCalls } from './project.js';
import { jobCalls } from './jobs.js';
import { artifactCalls } from './artifacts.js';
import { compareCalls } from './compare.js';
import { runCalls } from './runs.js';
import { pipelineCalls } from './pipelines.js';
import { driftCalls } from './drift.js';
import { validationCalls } from './validation.js';
import { gateCalls } from './gates.js';
import { reviewCalls } from './review.js';
import { deployCalls, serveCalls } from './deploy.js';
import { bundleCalls } from './bundle.js';
import { importCalls } from './imports.js';
import { ctCalls } from './ct.js';
import { remoteCalls } from './remotes.js';
import { events } from './events.js';

/** Every request the UI can make. A new call is one entry in one domain's map. */
export const calls = {
  ...appCalls,
  ...projectCalls,
  ...jobCalls,
  ...artifactCalls,
  ...compareCalls,
  ...runCalls,
  ...pipelineCalls,
  ...driftCalls,
  ...validationCalls,
  ...gateCalls,
  ...reviewCalls,
  ...deployCalls,
  ...serveCalls,
  ...bundleCalls,
  ...importCalls,
  ...ctCalls,
  ...remoteCalls,
} satisfies CallMap;

export { events };
export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
export type Params<K extends CallName> = ParamsOf<Calls[K]>;
export type Result<K extends CallName> = ResultOf<Calls[K]>;
export type Payload<E extends EventName> = PayloadOf<Events[E]>;

/** What the renderer gets at start-up, whichever host it runs in. */
export interface Api {
  call<K extends CallName>(name: K, params: Params<K>): Promise<Result<K>>;
  on<E extends EventName>(event: E, handler: (payload: Payload<E>) => void): () => void;
}

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

export * from './define.js';
export type * from './app.js';
export type * from './project.js';
export type * from './jobs.js';
export type * from './artifacts.js';
export type * from './compare.js';
export type * from './runs.js';
export type * from './pipelines.js';
export type * from './drift.js';
export type * from './validation.js';
export type * from './gates.js';
export type * from './review.js';
export type * from './deploy.js';
export type * from './bundle.js';
export type * from './stats.js';
export type * from './imports.js';
export type * from './ct.js';
export type * from './remotes.js';
