import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  Api,
  CallName,
  EventName,
  JobInfo,
  Params,
  Payload,
  ProjectSummary,
  Result,
} from '../../shared/api/index.js';
import { connectStores } from '../../renderer/app/connect.js';
import { useJobsStore } from '../../renderer/stores/jobs.js';
import { useProjectStore } from '../../renderer/stores/project.js';
import { useUiStore } from '../../renderer/stores/ui.js';

// The host boundary is replaced by a scripted one so timing can be controlled exactly; the stores and
// connectStores are the real ones. The same paths run end to end in test/e2e against `strata ui`.
function scriptedHost(answers: Partial<Record<CallName, () => Promise<unknown>>>) {
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  let connection: (up: boolean) => void = () => undefined;
  const api: Api = {
    call<K extends CallName>(name: K, _params: Params<K>): Promise<Result<K>> {
      const answer = answers[name];
      return (answer ? answer() : new Promise(() => undefined)) as Promise<Result<K>>;
    },
    on<E extends EventName>(event: E, handler: (payload: Payload<E>) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(handler as (p: unknown) => void);
      return () => handlers.get(event)!.delete(handler as (p: unknown) => void);
    },
  };
  return {
    api,
    emit<E extends EventName>(event: E, payload: Payload<E>) {
      for (const h of handlers.get(event) ?? []) h(payload);
    },
    onConnection: (l: (up: boolean) => void) => {
      connection = l;
      return () => undefined;
    },
    setConnected: (up: boolean) => connection(up),
  };
}

const job = (id: string, state: JobInfo['state']): JobInfo => ({
  id,
  label: id,
  state,
  done: 0,
  total: null,
  unit: 'files',
  startedAt: 1,
  endedAt: state === 'running' ? null : 2,
  error: null,
});
const project = (name: string): ProjectSummary => ({
  root: `/p/${name}`,
  name,
  dbPath: `/p/${name}/.strata/strata.db`,
  schemaMigrations: 1,
  readOnly: false,
  configError: null,
  config: { artifacts: 0, stages: 0, validations: 0, monitors: 0, targets: 0, source: 'strata.yaml' },
});

let disconnect: () => void = () => undefined;
beforeEach(() => {
  vi.useFakeTimers();
  useJobsStore.setState({ jobs: {}, dismissed: {} });
  useProjectStore.setState({ ready: false, project: null, offline: false, fatal: null, info: null });
  useUiStore.setState({ trayOpen: false, overlay: null });
});
afterEach(() => {
  disconnect();
  vi.useRealTimers();
});

describe('connectStores', () => {
  it('opens the jobs tray for a job still running after 0.8 s, not for one that ended sooner', async () => {
    const host = scriptedHost({});
    disconnect = connectStores(host.api, host.onConnection);
    host.emit('job.update', job('quick', 'running'));
    await vi.advanceTimersByTimeAsync(300);
    host.emit('job.update', job('quick', 'done'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(useUiStore.getState().trayOpen).toBe(false);
    expect(useJobsStore.getState().jobs.quick.state).toBe('done');

    host.emit('job.update', job('long', 'running'));
    await vi.advanceTimersByTimeAsync(799);
    expect(useUiStore.getState().trayOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(useUiStore.getState().trayOpen).toBe(true);
  });

  it('a project.changed event that lands before the project.current answer wins over it', async () => {
    let answer: (p: ProjectSummary | null) => void = () => undefined;
    const host = scriptedHost({ 'project.current': () => new Promise((r) => (answer = r)) });
    disconnect = connectStores(host.api, host.onConnection);
    host.emit('project.changed', project('newer'));
    answer(project('older'));
    await vi.advanceTimersByTimeAsync(0);
    expect(useProjectStore.getState().project?.name).toBe('newer');
    expect(useProjectStore.getState().ready).toBe(true);
  });

  it('marks the engine offline while the stream is down and asks again for what it missed once back', async () => {
    let current = project('before');
    let jobs: JobInfo[] = [];
    const host = scriptedHost({ 'project.current': async () => current, 'jobs.list': async () => jobs });
    disconnect = connectStores(host.api, host.onConnection);
    await vi.advanceTimersByTimeAsync(0);
    host.setConnected(true);
    expect(useProjectStore.getState().offline).toBe(false);
    host.setConnected(false);
    expect(useProjectStore.getState().offline).toBe(true);
    current = project('after');
    jobs = [job('finished-meanwhile', 'done')];
    host.setConnected(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(useProjectStore.getState().offline).toBe(false);
    expect(useProjectStore.getState().project?.name).toBe('after');
    expect(useJobsStore.getState().jobs['finished-meanwhile'].state).toBe('done');
  });
});
