import type { CtChampion, CtCycle } from '../../../shared/api/ct.js';
import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import type { CtPolicy } from './config.js';
import { listCycles } from './records.js';

/**
 * Where the promoted alias pointed over time, newest first: the cycle that moved it (none when a
 * person did), the dataset versions its run read and the run's metrics, all read through runs.get.
 */
export async function championHistory(
  engine: Engine,
  project: Project,
  policy: CtPolicy,
): Promise<CtChampion[]> {
  const { model, promote } = policy;
  if (!model || !promote) return [];
  const rows = project.db
    .prepare(
      `SELECT v.number AS version, v.run_id AS runId, h.at FROM alias_history h
       JOIN artifacts a ON a.id = h.artifact_id JOIN versions v ON v.id = h.version_id
       WHERE a.name = ? AND h.name = ? ORDER BY h.id DESC`,
    )
    .all(model, promote) as { version: number; runId: string | null; at: string }[];
  const cycles = listCycles(project, 1000);
  const promotedBy = (c: CtCycle, version: number) =>
    c.steps.some((s) => s.name === 'promote' && s.status === 'passed' && s.links.alias?.to === version);
  const out: CtChampion[] = [];
  for (const r of rows) {
    const run = r.runId ? await engine.invoke('runs.get', { id: r.runId }).catch(() => null) : null;
    out.push({
      model,
      alias: promote,
      version: r.version,
      at: r.at,
      cycle: cycles.find((c) => c.model === model && promotedBy(c, r.version))?.id ?? null,
      data: [
        ...new Set(
          (run?.versions ?? [])
            .filter((v) => v.role === 'in' && project.config.config.artifacts[v.artifact]?.kind === 'dataset')
            .map((v) => `${v.artifact}@${v.version}`),
        ),
      ],
      metrics: run?.metrics ?? {},
    });
  }
  return out;
}
