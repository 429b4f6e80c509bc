import { create } from 'zustand';
import type { JobInfo } from '../../shared/api/index.js';

/** How many finished jobs the tray remembers; older ones are history, not news. */
const KEEP_FINISHED = 8;

interface JobsState {
  jobs: Record<string, JobInfo>;
  /** Ids the user cleared from the tray; the engine still has them. */
  dismissed: Record<string, true>;
  upsert(job: JobInfo): void;
  /** Merges a jobs.list answer. Events that arrived first are newer, so they win. */
  seed(list: JobInfo[]): void;
  dismissFinished(): void;
}

function prune(jobs: Record<string, JobInfo>): Record<string, JobInfo> {
  const finished = Object.values(jobs)
    .filter((j) => j.state !== 'running')
    .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
  if (finished.length <= KEEP_FINISHED) return jobs;
  const next = { ...jobs };
  for (const old of finished.slice(KEEP_FINISHED)) delete next[old.id];
  return next;
}

export const useJobsStore = create<JobsState>()((set) => ({
  jobs: {},
  dismissed: {},
  upsert: (job) => set((s) => ({ jobs: prune({ ...s.jobs, [job.id]: job }) })),
  seed: (list) =>
    set((s) => {
      const jobs = { ...s.jobs };
      for (const j of list) if (!jobs[j.id]) jobs[j.id] = j;
      return { jobs: prune(jobs) };
    }),
  dismissFinished: () =>
    set((s) => {
      const dismissed = { ...s.dismissed };
      for (const j of Object.values(s.jobs)) if (j.state !== 'running') dismissed[j.id] = true;
      return { dismissed };
    }),
}));

export function runningJobs(s: Pick<JobsState, 'jobs'>): JobInfo[] {
  return Object.values(s.jobs)
    .filter((j) => j.state === 'running')
    .sort((a, b) => a.startedAt - b.startedAt);
}

export function finishedJobs(s: Pick<JobsState, 'jobs' | 'dismissed'>): JobInfo[] {
  return Object.values(s.jobs)
    .filter((j) => j.state !== 'running' && !s.dismissed[j.id])
    .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
}
