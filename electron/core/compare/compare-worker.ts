import type { SeriesX } from '../../../shared/api/compare.js';
import { serveWorker } from '../jobs/worker.js';
import { openSqlite } from '../db/sqlite.js';
import { readRunsTable } from './read-table.js';
import { compareSeries } from './series.js';

export type CompareWorkerInput =
  | { op: 'table'; dbPath: string }
  | { op: 'series'; dbPath: string; runIds: string[]; key: string; points: number; x: SeriesX };

// Its own read-only connection: WAL lets it read while the engine's connection keeps writing.
serveWorker<CompareWorkerInput, unknown>((input) => {
  const db = openSqlite(input.dbPath, { readonly: true });
  try {
    return input.op === 'table' ? readRunsTable(db) : compareSeries(db, input.runIds, input.key, input.points, input.x);
  } finally {
    db.close();
  }
});
