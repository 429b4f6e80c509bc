import { compareCalls, type CompareSeries, type RunsTableWire } from '../../../shared/api/compare.js';
import type { Handlers } from '../engine.js';
import { runWorker } from '../jobs/worker.js';
import type { CompareWorkerInput } from '../compare/compare-worker.js';
import { diffRuns } from '../compare/diff.js';
import { deleteView, listViews, saveView } from '../compare/views.js';

const worker = new URL('../compare/compare-worker.js', import.meta.url);

// Reading 10,000 runs or 100 long series is tens to hundreds of milliseconds: a worker thread does it, so the host keeps answering.
export const compareHandlers: Handlers<typeof compareCalls> = {
  'compare.table': (_p, engine) => runWorker<CompareWorkerInput, RunsTableWire>(worker, { op: 'table', dbPath: engine.requireProject().dbPath }),
  'compare.series': ({ runIds, key, points, x }, engine) =>
    runWorker<CompareWorkerInput, CompareSeries[]>(worker, { op: 'series', dbPath: engine.requireProject().dbPath, runIds, key, points, x }),
  'compare.diff': ({ runIds }, engine) => diffRuns(engine.requireProject().db, runIds),
  'compare.views.list': (_p, engine) => listViews(engine.requireProject().db),
  'compare.views.save': ({ name, state }, engine) => saveView(engine.requireProject().db, name, state),
  'compare.views.delete': ({ id }, engine) => {
    deleteView(engine.requireProject().db, id);
    return null;
  },
};
