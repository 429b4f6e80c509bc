import type { TabularStats } from '../../../shared/api/artifacts.js';
import { serveWorker } from '../jobs/worker.js';
import { tabularStats, type TabularFormat } from './tabular.js';

export type TabularJob = { file: string; format: TabularFormat }[];
export type TabularAnswer = ({ stats: TabularStats } | { error: string })[];

serveWorker<TabularJob, TabularAnswer>(async (jobs) => {
  const answers: TabularAnswer = [];
  for (const { file, format } of jobs) {
    try {
      answers.push({ stats: await tabularStats(file, format) });
    } catch (err) {
      answers.push({ error: (err as Error).message });
    }
  }
  return answers;
});
