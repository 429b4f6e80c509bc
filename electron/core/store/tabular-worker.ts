import type { TabularStats } from '../../../shared/api/artifacts.js';
import { serveWorker } from '../jobs/worker.js';
import { tabularStats, type TabularFormat } from './tabular.js';

export type TabularJob = { file: string; format: TabularFormat }[];
export type TabularAnswer = ({ stats: TabularStats } | { error: string })[];

serveWorker<TabularJob, TabularAnswer>((jobs) =>
  jobs.map(({ file, format }) => {
    try {
      return { stats: tabularStats(file, format) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }),
);
