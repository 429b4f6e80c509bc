import type { MonitorState } from '../../../shared/api/drift.js';
import { openSqlite } from '../db/sqlite.js';
import { serveWorker } from '../jobs/worker.js';
import { computeMonitorState, type StateJob } from './monitor.js';

serveWorker<StateJob, MonitorState>(({ dbPath, root, name, config }) => {
  const db = openSqlite(dbPath, { readonly: true });
  try {
    return computeMonitorState({ db, root }, name, config);
  } finally {
    db.close();
  }
});
