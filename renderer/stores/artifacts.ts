import { create } from 'zustand';
import type {
  Api,
  ArtifactInfo,
  DiffResult,
  TreeEntry,
  VersionInfo,
  WatchStatus,
} from '../../shared/api/index.js';
import type { StrataErrorData } from '../../shared/errors.js';

interface ArtifactsState {
  artifacts: ArtifactInfo[];
  loaded: boolean;
  error: StrataErrorData | null;
  watch: WatchStatus | null;
  tree: { key: string; version: VersionInfo; entries: TreeEntry[] } | null;
  diff: { key: string; result: DiffResult } | null;
  load(api: Api): Promise<void>;
  loadTree(api: Api, artifact: string, version: number): Promise<void>;
  loadDiff(api: Api, a: string, b: string): Promise<void>;
}

export const useArtifactsStore = create<ArtifactsState>()((set, get) => ({
  artifacts: [],
  loaded: false,
  error: null,
  watch: null,
  tree: null,
  diff: null,
  async load(api) {
    try {
      const [artifacts, watch] = await Promise.all([
        api.call('artifacts.list', {}),
        api.call('artifacts.watchStatus', {}),
      ]);
      set({ artifacts, watch, loaded: true, error: null });
    } catch (err) {
      set({ error: err as StrataErrorData, loaded: true });
    }
  },
  async loadTree(api, artifact, version) {
    const key = `${artifact}@${version}`;
    if (get().tree?.key === key) return;
    try {
      const t = await api.call('artifacts.tree', { artifact, ref: String(version) });
      set({ tree: { key, ...t }, error: null });
    } catch (err) {
      set({ error: err as StrataErrorData });
    }
  },
  async loadDiff(api, a, b) {
    const key = `${a} ${b}`;
    if (get().diff?.key === key) return;
    try {
      const result = await api.call('artifacts.diff', { a, b });
      set({ diff: { key, result }, error: null });
    } catch (err) {
      set({ error: err as StrataErrorData });
    }
  },
}));

/** Keeps the list current: a version recorded anywhere (add, watcher, run) reloads it. */
export function followArtifacts(api: Api): () => void {
  const offs = [
    api.on('artifact.versioned', () => void useArtifactsStore.getState().load(api)),
    api.on('watch.status', (watch) => useArtifactsStore.setState({ watch })),
  ];
  return () => offs.forEach((off) => off());
}
