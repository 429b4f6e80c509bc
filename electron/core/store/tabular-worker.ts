import type { TabularStats } from '../../../shared/api/artifacts.js';
import { serveWorker } from '../jobs/worker.js';
import { tabularStats, type TabularFormat } from './tabular.js';

/** Each object is the byte range [offset, offset + size) of file: a loose object's whole file or a slice of a pack. */
export type TabularJob = { file: string; offset: number; size: number; format: TabularFormat }[];
export type TabularAnswer = ({ stats: TabularStats } | { error: string })[];

serveWorker<TabularJob, TabularAnswer>(async (jobs) => {
  const answers: TabularAnswer = [];
  for (const { file, offset, size, format } of jobs) {
    try {
      answers.push({ stats: await tabularStats({ file, offset, size }, format) });
    } catch (err) {
      answers.push({ error: (err as Error).message });
    }
  }
  return answers;
});
