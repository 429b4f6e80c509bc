import { runCalls } from '../../../shared/api/runs.js';
import type { Handlers } from '../engine.js';
import { seriesDb } from '../metrics/reader.js';
import { readSeries } from '../metrics/series.js';
import { requestCancel } from '../runs/cancel.js';
import { listRuns, resolveRunId, runDetail, runLogs, runSummary, updateRun } from '../runs/repo.js';

export const runHandlers: Handlers<typeof runCalls> = {
  'runs.list': (filter, engine) => listRuns(engine.requireProject(), filter),
  'runs.get': ({ id }, engine) => {
    const project = engine.requireProject();
    return runDetail(project, resolveRunId(project, id));
  },
  'runs.logs': ({ id, ...opts }, engine) => runLogs(engine.requireProject(), id, opts),
  'runs.cancel': ({ id }, engine) => {
    const project = engine.requireProject();
    requestCancel(project, id);
    return runSummary(project, id);
  },
  'runs.update': ({ id, ...change }, engine) => {
    const project = engine.requireProject();
    updateRun(project, id, change);
    const detail = runDetail(project, id);
    engine.emit('run.update', detail);
    return detail;
  },
  'metrics.series': ({ runIds, key, points, x }, engine) => {
    const project = engine.requireProject();
    const db = seriesDb(project);
    return runIds.map((id) => readSeries(db, id, key, points, x));
  },
};
