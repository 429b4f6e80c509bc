import type { CallName, EventName, JobInfo, Params, Payload, Result } from '../../shared/api/index.js';
import { StrataError } from '../../shared/errors.js';
import { Engine } from '../core/engine.js';
import { locateProject } from '../core/store/locate.js';

/** The contract as a command sees it: the same calls and events the UI has, plus waiting for a job. */
export interface CliApi {
  call<K extends CallName>(name: K, params: Params<K>): Promise<Result<K>>;
  on<E extends EventName>(event: E, handler: (payload: Payload<E>) => void): () => void;
  /** Waits for the job a call started; returns its result, or throws its error. */
  job<T>(started: { jobId: string }): Promise<T>;
}

export const projectFlag: Record<string, { type: 'string'; help: string }> = {
  project: {
    type: 'string',
    help: 'the project folder (default: the nearest one up from the current folder)',
  },
};

function apiOf(engine: Engine): CliApi {
  return {
    call: (name, params) => engine.invoke(name, params),
    on: (event, handler) =>
      engine.subscribe((name, payload) => {
        if (name === event) handler(payload as Payload<typeof event>);
      }),
    job: async <T>({ jobId }: { jobId: string }) => {
      const job: JobInfo = await engine.invoke('jobs.wait', { id: jobId });
      if (job.state === 'done') return job.result as T;
      if (job.error) throw new StrataError(job.error.code, job.error.message, { where: job.error.where });
      throw new StrataError('CANCELLED', `${job.label}: cancelled`);
    },
  };
}

/**
 * Runs a command against an engine of its own: the calls are validated and answered by the same
 * handlers as the UI's, so checks, locks and errors are written once. The engine starts no
 * background services and remembers no recent project; it is shut down when fn ends.
 */
export async function withEngine<T>(
  fn: (api: CliApi) => Promise<T>,
  opts: { hostServices?: boolean } = {},
): Promise<T> {
  // hostServices: a command that stays up in place of the app (`strata ct watch`) starts what the app starts.
  const engine = new Engine({ services: opts.hostServices ? undefined : [], rememberRecent: false });
  try {
    return await fn(apiOf(engine));
  } finally {
    await engine.shutdown();
  }
}

/** The project a command would open (--project, or the nearest one up), or null when there is none. */
export function projectHere(flags: Record<string, string | boolean | undefined>): string | null {
  try {
    return locateProject(flags.project as string | undefined);
  } catch (err) {
    if (err instanceof StrataError && err.code === 'NOT_A_PROJECT') return null;
    throw err;
  }
}

/** withEngine with the project the command works on open: --project, or the nearest one up. */
export function withProject<T>(
  flags: Record<string, string | boolean | undefined>,
  fn: (api: CliApi) => Promise<T>,
  opts: { hostServices?: boolean } = {},
): Promise<T> {
  return withEngine(async (api) => {
    await api.call('project.open', { path: locateProject(flags.project as string | undefined) });
    return fn(api);
  }, opts);
}
