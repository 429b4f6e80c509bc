import { create } from 'zustand';
import type { Api, RemoteStatus } from '../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../shared/errors.js';

interface RemotesState {
  /** null until read; empty for a project without remotes */
  status: RemoteStatus[] | null;
  error: StrataErrorData | null;
  refresh(api: Api): Promise<void>;
}

/**
 * What each remote of strata.yaml holds compared with this store: read once for the remotes strip
 * and for the versions of an artifact that are only on a remote.
 */
export const useRemotesStore = create<RemotesState>()((set) => ({
  status: null,
  error: null,
  async refresh(api) {
    try {
      const remotes = await api.call('remotes.list', {});
      set({ status: remotes.length ? await api.call('remotes.status', {}) : [], error: null });
    } catch (err) {
      set({ error: toErrorData(err) });
    }
  },
}));

/** The numbers of an artifact's versions that some remote has and this store does not, newest first. */
export function remoteOnlyVersions(
  status: RemoteStatus[] | null,
  artifact: string,
): { number: number; remote: string }[] {
  const out = new Map<number, string>();
  for (const s of status ?? [])
    for (const spec of s.onlyThere) {
      const at = spec.lastIndexOf('@');
      if (spec.slice(0, at) === artifact && !out.has(Number(spec.slice(at + 1))))
        out.set(Number(spec.slice(at + 1)), s.name);
    }
  return [...out].sort((a, b) => b[0] - a[0]).map(([number, remote]) => ({ number, remote }));
}
