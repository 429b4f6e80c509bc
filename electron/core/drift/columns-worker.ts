// One share of a large comparison's columns: profile both sides (sorting is the cost) and compute every
// statistic; the verdicts wait for all shares (parallel.ts).
import type { ColumnDrift, DriftSettings } from '../../../shared/api/drift.js';
import { serveWorker } from '../jobs/worker.js';
import { columnStatistics } from './compare.js';
import { profileTable, type ColumnProfile } from './profile.js';
import type { Table } from './table.js';

export interface ColumnsJob {
  reference: Table;
  current: Table;
  names: string[];
  settings: Partial<DriftSettings>;
}

export interface ColumnsAnswer {
  columns: ColumnDrift[];
  reference: ColumnProfile[];
  current: ColumnProfile[];
}

serveWorker<ColumnsJob, ColumnsAnswer>((job) => {
  const reference = profileTable(job.reference);
  const current = profileTable(job.current);
  return {
    columns: columnStatistics(reference, current, job.names, job.settings),
    reference: reference.columns,
    current: current.columns,
  };
});
