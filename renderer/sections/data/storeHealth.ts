import { create } from 'zustand';
import { GC_GRACE_MINUTES } from '../../../shared/api/artifacts.js';
import type { Api, FsckReport, GcReport, JobInfo } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { toErrorData } from '../../../shared/errors.js';
import { useJobsStore } from '../../stores/jobs.js';

/**
 * The object store's health, shared by the Data and Models sections: its totals, the last integrity
 * check and a clean-up in progress. A check is a job; its outcome is kept here when it ends, so it
 * survives leaving the section and the jobs tray forgetting old jobs.
 */
interface StoreHealthState {
  /** the project these belong to: another project starts from nothing */
  root: string | null;
  totals: { count: number; bytes: number } | null;
  /** why the totals could not be read; a background refresh, so it is shown in place, not as an alert */
  totalsError: string | null;
  /** the check being run or last run */
  check: { jobId: string; ended: JobInfo | null } | null;
  cleanup: { phase: 'preview' | 'applied'; report: GcReport } | null;
  cleaning: boolean;
  error: StrataErrorData | null;
  forProject(root: string): void;
  loadTotals(api: Api): Promise<void>;
  startCheck(api: Api): Promise<void>;
  previewCleanup(api: Api): Promise<void>;
  applyCleanup(api: Api): Promise<void>;
  closeCleanup(): void;
  dismissError(): void;
}

export const graceMinutes = GC_GRACE_MINUTES;

/** Calls back once with the job when it is no longer running (at once when it already is not). */
function whenEnded(id: string, then: (job: JobInfo) => void): void {
  let off = () => {};
  const look = (s: { jobs: Record<string, JobInfo> }) => {
    const j = s.jobs[id];
    if (!j || j.state === 'running') return;
    off();
    then(j);
  };
  off = useJobsStore.subscribe(look);
  look(useJobsStore.getState());
}

const empty = { totals: null, totalsError: null, check: null, cleanup: null, cleaning: false, error: null };

export const useStoreHealth = create<StoreHealthState>()((set, get) => ({
  root: null,
  ...empty,
  forProject(root) {
    if (get().root !== root) set({ root, ...empty });
  },
  async loadTotals(api) {
    const root = get().root;
    try {
      const { objects } = await api.call('project.status', {});
      if (get().root === root) set({ totals: objects, totalsError: null });
    } catch (err) {
      if (get().root === root) set({ totals: null, totalsError: toErrorData(err).message });
    }
  },
  async startCheck(api) {
    try {
      set({ error: null });
      const { jobId } = await api.call('artifacts.fsck', {});
      set({ check: { jobId, ended: null } });
      whenEnded(jobId, (job) => {
        if (get().check?.jobId !== jobId) return;
        set({ check: { jobId, ended: job } });
        void get().loadTotals(api);
      });
    } catch (err) {
      set({ error: toErrorData(err) });
    }
  },
  async previewCleanup(api) {
    await cleanup(api, false);
  },
  async applyCleanup(api) {
    await cleanup(api, true);
  },
  closeCleanup: () => set({ cleanup: null, error: null }),
  dismissError: () => set({ error: null }),
}));

async function cleanup(api: Api, apply: boolean): Promise<void> {
  const { setState: set, getState: get } = useStoreHealth;
  try {
    set({ cleaning: true, error: null });
    const report = await api.call('artifacts.gc', { apply, graceMinutes });
    set({ cleanup: { phase: apply ? 'applied' : 'preview', report } });
    if (apply) await get().loadTotals(api);
  } catch (err) {
    set({ error: toErrorData(err) });
  } finally {
    set({ cleaning: false });
  }
}

/** The report of a check that ended well, or null. */
export function checkReport(job: JobInfo | null): FsckReport | null {
  return job?.state === 'done' ? (job.result as FsckReport) : null;
}
