import fs from 'node:fs';
import type {
  CallMap,
  CallName,
  EventName,
  Params,
  ParsedParamsOf,
  Payload,
  ProjectSummary,
  Result,
  ResultOf,
} from '../../shared/api/index.js';
import { StrataError, toErrorData, type StrataErrorData } from '../../shared/errors.js';
import { parseRequest } from '../../shared/validate.js';
import { refuseWriteInReview } from './review/read-only.js';
import { verifyOnOpen } from './review/verify.js';
import { JobManager } from './jobs/jobs.js';
import { explainFsError, Project } from './project/project.js';
import { CONFIG_FILE } from './config/load.js';
import { addRecent } from './app/recent.js';
import { handlers } from './handlers/index.js';
import type { ProjectService, ProjectServiceFactory } from './project-service.js';
import { hostServices } from './services.js';
import { stopAllWorkers } from './jobs/worker.js';
import { closeDuck } from './stats/duck.js';

export interface HostHooks {
  /** A native folder picker, where the host has one (Electron). */
  pickFolder?: () => Promise<string | null>;
  /** A native picker for one deploy bundle file, where the host has one (Electron). */
  pickBundle?: () => Promise<string | null>;
}

export interface EngineOptions extends HostHooks {
  /** Started for every opened project; default: the long-running hosts' list (`hostServices`). */
  services?: ProjectServiceFactory[];
  /** Whether opening a project puts it on the start screen's recent list (default true). */
  rememberRecent?: boolean;
  /** Every project opens read-only (`strata ui --read-only`); see openProject. */
  readOnly?: boolean;
}

export type Handlers<C extends CallMap> = {
  [K in keyof C]: (params: ParsedParamsOf<C[K]>, engine: Engine) => ResultOf<C[K]> | Promise<ResultOf<C[K]>>;
};

type AnyListener = (event: EventName, payload: unknown) => void;

/**
 * The one engine behind every host. It owns the open project and the jobs, answers calls from the
 * contract (validating them first), and pushes events to whoever subscribed.
 */
export class Engine {
  readonly jobs = new JobManager();
  readonly hooks: HostHooks;
  private current: Project | null = null;
  private configError: StrataErrorData | null = null;
  private configWatcher: fs.FSWatcher | null = null;
  private listeners = new Set<AnyListener>();
  private readonly serviceFactories: ProjectServiceFactory[];
  private readonly rememberRecent: boolean;
  private readonly alwaysReadOnly: boolean;
  private services: ProjectService[] = [];
  /** projects being closed: their services and jobs are still ending, their databases still open */
  private closing = new Set<Promise<void>>();
  private stopping: Promise<void> | null = null;

  constructor(options: EngineOptions = {}) {
    this.hooks = { pickFolder: options.pickFolder, pickBundle: options.pickBundle };
    this.alwaysReadOnly = options.readOnly ?? false;
    this.serviceFactories = options.services ?? hostServices;
    this.rememberRecent = options.rememberRecent ?? true;
    this.jobs.onUpdate((job) => this.emit('job.update', job));
  }

  get project(): Project | null {
    return this.current;
  }

  requireProject(): Project {
    if (!this.current) throw new StrataError('NOT_FOUND', 'No project is open. Open or create one first.');
    return this.current;
  }

  /** Validates an untrusted request and runs its handler. Throws StrataError on any failure. */
  async call(name: unknown, params: unknown): Promise<unknown> {
    const req = parseRequest(name, params);
    if (this.alwaysReadOnly || this.current?.readOnly) refuseWriteInReview(req.name);
    const handler = handlers[req.name] as (p: unknown, e: Engine) => unknown;
    try {
      return await handler(req.params, this);
    } catch (err) {
      if (err instanceof StrataError) throw err;
      // A file-system or SQLite failure the handler did not explain itself (a full disk under a
      // database write, say) still gets its own code and the file it concerns.
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && /^(E[A-Z]+|SQLITE_[A-Z_]+)$/.test(code)) {
        const file = (err as NodeJS.ErrnoException).path ?? this.current?.dbPath ?? '';
        const explained = explainFsError(err, `${req.name} failed`, file);
        if (explained.code !== 'INTERNAL') throw explained;
      }
      throw new StrataError('INTERNAL', `${req.name} failed: ${(err as Error).message ?? String(err)}`, {
        cause: err,
      });
    }
  }

  /** Typed form for in-process callers (CLI, tests). */
  invoke<K extends CallName>(name: K, params: Params<K>): Promise<Result<K>> {
    return this.call(name, params) as Promise<Result<K>>;
  }

  emit<E extends EventName>(event: E, payload: Payload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Opens (or initialises) a project. Read-only is review mode: nothing is written into the folder,
   * no service but the background verification of the store starts, and calls that would write are
   * refused while it is open.
   */
  openProject(dir: string, mode: 'open' | 'init' = 'open', readOnly = false): Project {
    const review = readOnly || this.alwaysReadOnly;
    const project = review
      ? Project.openReadOnly(dir)
      : mode === 'init'
        ? Project.init(dir)
        : Project.open(dir);
    // The previous project finishes closing in the background; shutdown() still waits for it.
    void this.closeProject();
    this.current = project;
    this.configError = null;
    this.watchConfig(project);
    this.services = (review ? [verifyOnOpen] : this.serviceFactories).map((start) => start(project, this));
    if (this.rememberRecent) addRecent(project.root, project.name);
    this.emit('project.changed', this.summary());
    return project;
  }

  /**
   * The project leaves the engine at once; the promise resolves once its jobs have ended, its
   * services are disposed (a running pipeline step's process group stopped) and, only then, its
   * database is closed. Without an open project it waits for projects still closing.
   */
  closeProject(): Promise<void> {
    const project = this.current;
    if (!project) return Promise.allSettled([...this.closing]).then(() => undefined);
    const services = this.services.splice(0);
    const jobsEnded = this.jobs.cancelAll();
    this.configWatcher?.close();
    this.configWatcher = null;
    this.current = null;
    this.emit('project.changed', null);
    const closed = (async () => {
      await Promise.allSettled(services.map(async (s) => s.dispose()));
      await jobsEnded;
      project.close();
    })();
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
    return closed;
  }

  summary(): ProjectSummary | null {
    if (!this.current) return null;
    return { ...this.current.summary(), configError: this.configError };
  }

  /**
   * Stops everything the engine started, for a host that is quitting: the project is closed as
   * above, jobs outside it end, the pooled worker threads stop, and then it resolves, with nothing
   * left that could write into .strata/. A second call returns the same promise.
   */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      await this.closeProject();
      await this.jobs.cancelAll();
      await Promise.all([stopAllWorkers(), closeDuck()]);
      this.listeners.clear();
    })();
    return this.stopping;
  }

  /** The same as shutdown(), for callers that do not need to wait. */
  dispose(): Promise<void> {
    return this.shutdown();
  }

  /** strata.yaml is edited by hand while the app runs: re-read it, and show a broken one with its line. */
  private watchConfig(project: Project): void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    try {
      this.configWatcher = fs.watch(project.root, (_event, file) => {
        if (file !== CONFIG_FILE && file !== 'dvc.yaml') return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          if (this.current !== project) return;
          try {
            project.reloadConfig();
            this.configError = null;
          } catch (err) {
            this.configError = toErrorData(err);
          }
          this.emit('project.changed', this.summary());
        }, 150);
      });
      this.configWatcher.on('error', () => undefined);
    } catch {
      this.configWatcher = null;
    }
  }
}
