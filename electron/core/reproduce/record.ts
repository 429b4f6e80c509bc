import type { CodeState, ParamValue, RunDetail } from '../../../shared/api/runs.js';
import type { Project } from '../project/project.js';
import { seriesChunks } from '../metrics/series.js';
import { runDetail } from '../runs/repo.js';

export interface StageRecord {
  stage: string;
  status: string;
  cmd: string;
  /** path → root hash of what the stage read (null: it was missing) */
  deps: Record<string, string | null>;
  /** path → root hash of what it left behind */
  outs: Record<string, string | null>;
}

/** What one run recorded, in the shape the comparison needs; the same for the original and the reproduction. */
export interface RunRecord {
  id: string;
  name: string;
  kind: RunDetail['kind'];
  status: RunDetail['status'];
  code: CodeState;
  params: Record<string, ParamValue>;
  metrics: Record<string, number>;
  environment: Record<string, unknown> | null;
  stages: StageRecord[];
}

const parse = (s: string | null): Record<string, string | null> => (s ? JSON.parse(s) : {});

export function readRecord(project: Project, runId: string): RunRecord {
  const d = runDetail(project, runId);
  const rows = project.db
    .prepare(
      "SELECT stage, status, cmd, deps, outs FROM run_stages WHERE run_id = ? AND stage NOT LIKE 'validate:%' ORDER BY ord",
    )
    .all(runId) as { stage: string; status: string; cmd: string; deps: string | null; outs: string | null }[];
  // A stage the cache skipped has no outs on its row; the versions it was linked to say what they were.
  const linkedOuts = project.db.prepare(
    "SELECT io.path, v.root_hash FROM run_io io JOIN versions v ON v.id = io.version_id WHERE io.run_id = ? AND io.stage = ? AND io.role = 'out'",
  );
  const stages = rows.map((r) => {
    const outs = parse(r.outs);
    if (!r.outs)
      for (const o of linkedOuts.all(runId, r.stage) as { path: string; root_hash: string }[])
        outs[o.path] = o.root_hash;
    return { stage: r.stage, status: r.status, cmd: r.cmd, deps: parse(r.deps), outs };
  });
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    status: d.status,
    code: d.code,
    params: d.params,
    metrics: d.metrics,
    environment: d.environment,
    stages,
  };
}

/** Every point of a stored series, in step order. */
export function fullSeries(project: Project, runId: string, key: string): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const c of seriesChunks(project.db, runId, key, 'step'))
    for (let i = 0; i < c.n; i++) {
      xs.push(c.xs[i]);
      ys.push(c.vals[i]);
    }
  return { xs, ys };
}
