import { compareCalls, type CompareSeries, type RunsTableWire } from '../../../shared/api/compare.js';
import type { Handlers } from '../engine.js';
import { goalOf } from '../../../shared/metric-goal.js';
import { comparePool } from '../compare/pool.js';
import { diffRuns } from '../compare/diff.js';
import { resolveRunId } from '../runs/repo.js';
import { deleteView, listViews, saveView } from '../compare/views.js';

export const compareHandlers: Handlers<typeof compareCalls> = {
  // Always the first worker: it keeps the last table it read, for as long as the database is unchanged.
  'compare.table': async (_p, engine) => {
    const project = engine.requireProject();
    const table = await comparePool.run<RunsTableWire>({ op: 'table', dbPath: project.dbPath }, 0);
    const configured = project.config.config.metrics;
    return {
      ...table,
      columns: table.columns.map((c) => {
        const goal = c.group === 'metric' && c.kind !== 'text' ? goalOf(c.key, configured) : null;
        return goal ? { ...c, goal } : c;
      }),
    };
  },
  'compare.series': ({ runIds, key, points, x }, engine) => {
    const dbPath = engine.requireProject().dbPath;
    return comparePool.split<CompareSeries>(runIds, (ids) => ({
      op: 'series',
      dbPath,
      runIds: ids,
      key,
      points,
      x,
    }));
  },
  'compare.diff': ({ runIds }, engine) => {
    const project = engine.requireProject();
    return diffRuns(
      project.db,
      runIds.map((id) => resolveRunId(project, id)),
    );
  },
  'compare.views.list': (_p, engine) => listViews(engine.requireProject().db),
  'compare.views.save': ({ name, state }, engine) => saveView(engine.requireProject().db, name, state),
  'compare.views.delete': ({ id }, engine) => {
    deleteView(engine.requireProject().db, id);
    return null;
  },
};
