import { create } from 'zustand';
import type { Api, RunSummary } from '../../shared/api/index.js';
import type { StrataErrorData } from '../../shared/errors.js';

/** Live output kept per run in the window; the full, capped log stays in the engine. */
const LIVE_LOG_CHARS = 512 * 1024;

interface RunsState {
  runs: RunSummary[];
  loaded: boolean;
  error: StrataErrorData | null;
  /** output received as push events while a run goes, by run id */
  live: Record<string, string>;
  load(api: Api): Promise<void>;
  upsert(run: RunSummary): void;
  /** a run the engine dropped (it ran nothing): gone from the list, its reason kept for who started it */
  remove(id: string, reason: string): void;
  removed: Record<string, string>;
  appendLive(runId: string, text: string): void;
}

export const useRunsStore = create<RunsState>()((set) => ({
  runs: [],
  loaded: false,
  error: null,
  live: {},
  removed: {},
  async load(api) {
    try {
      const runs = await api.call('runs.list', { limit: 500 });
      set({ runs, loaded: true, error: null });
    } catch (err) {
      set({ error: err as StrataErrorData, loaded: true });
    }
  },
  upsert: (run) =>
    set((s) => {
      const i = s.runs.findIndex((r) => r.id === run.id);
      if (i < 0) return { runs: [run, ...s.runs] };
      const runs = s.runs.slice();
      runs[i] = run;
      return { runs };
    }),
  remove: (id, reason) =>
    set((s) => ({ runs: s.runs.filter((r) => r.id !== id), removed: { ...s.removed, [id]: reason } })),
  appendLive: (runId, text) =>
    set((s) => {
      const next = (s.live[runId] ?? '') + text;
      return {
        live: {
          ...s.live,
          [runId]: next.length > LIVE_LOG_CHARS ? next.slice(next.length - LIVE_LOG_CHARS) : next,
        },
      };
    }),
}));

const following = new WeakSet<Api>();

/**
 * Subscribes the store to the engine's run events, once per Api for the life of the window: the
 * store is global, and subscribing once avoids handing the same event twice to a store that two
 * sections (or a remount) asked to follow.
 */
export function followRuns(api: Api): void {
  if (following.has(api)) return;
  following.add(api);
  api.on('run.update', (run) => useRunsStore.getState().upsert(run));
  api.on('run.removed', ({ run, reason }) => useRunsStore.getState().remove(run.id, reason));
  api.on('run.log', (e) => useRunsStore.getState().appendLive(e.runId, e.text));
}
