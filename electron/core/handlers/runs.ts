import { runCalls } from '../../../shared/api/runs.js';
import type { Handlers } from '../engine.js';
import { seriesDb } from '../metrics/reader.js';
import { readSeries } from '../metrics/series.js';
import { requestCancel } from '../runs/cancel.js';
import { runFile, runFiles } from '../runs/files.js';
import { refreshRuns } from '../runs/refresh.js';
import { listRuns, resolveRunId, runDetail, runLogs, runSummary, updateRun } from '../runs/repo.js';

export const runHandlers: Handlers<typeof runCalls> = {
  'runs.list': (filter, engine) => listRuns(engine.requireProject(), filter),
  'runs.get': ({ id }, engine) => {
    const project = engine.requireProject();
    return runDetail(project, resolveRunId(project, id));
  },
  'runs.files': ({ id }, engine) => runFiles(engine.requireProject(), id),
  'runs.file': ({ id, path }, engine) => runFile(engine.requireProject(), id, path),
  'runs.logs': ({ id, ...opts }, engine) => {
    const project = engine.requireProject();
    return runLogs(project, resolveRunId(project, id), opts);
  },
  'runs.cancel': async ({ id: given, waitMs }, engine) => {
    const project = engine.requireProject();
    const id = resolveRunId(project, given);
    requestCancel(project, id);
    const until = Date.now() + waitMs;
    let run = runSummary(project, id);
    while (run.status === 'running' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      run = runSummary(project, id);
    }
    return run;
  },
  'runs.refresh': (_p, engine) => refreshRuns(engine.requireProject(), engine),
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
