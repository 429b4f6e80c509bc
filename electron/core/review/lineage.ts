import type { LineageGraph, LineageNode } from '../../../shared/api/review.js';
import type { Project } from '../project/project.js';
import { history } from '../deploy/records.js';
import { gatesOfArtifact } from '../gates/evaluate.js';
import { REPRODUCES_TAG } from '../reproduce/reproduce.js';

/** Newest runs (and deployments) drawn; older ones stay reachable from their sections. */
const RUNS_SHOWN = 200;

/**
 * dataset versions → runs → model versions → gates → deployments, from what runs recorded reading and
 * writing (run_io). A model artifact with gates in strata.yaml gets one gate node per version; a
 * deployment hangs off its version's gate node, or the version itself when it has none.
 */
export function lineageGraph(project: Project): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageGraph['edges'] = [];
  const runs = project.db
    .prepare(
      // A reproduction is shown through its original (its verdict), not as a run of the lineage.
      'SELECT id, name, status FROM runs WHERE id NOT IN (SELECT run_id FROM run_tags WHERE key = ?) ORDER BY started_at DESC LIMIT ?',
    )
    .all(REPRODUCES_TAG, RUNS_SHOWN) as { id: string; name: string; status: string }[];
  const io = project.db.prepare(
    `SELECT DISTINCT io.role, v.number, a.name AS artifact, a.kind
     FROM run_io io JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id
     WHERE io.run_id = ?`,
  );
  const models = new Set<string>();
  for (const r of runs) {
    const runNode = `run:${r.id}`;
    nodes.set(runNode, { id: runNode, kind: 'run', label: r.name, ref: r.id, status: r.status });
    const versions = io.all(r.id) as { role: string; number: number; artifact: string; kind: string }[];
    const wrote = new Set(versions.filter((v) => v.role === 'out').map((v) => `${v.artifact}@${v.number}`));
    for (const v of versions) {
      const ref = `${v.artifact}@${v.number}`;
      const id = `version:${ref}`;
      if (!nodes.has(id))
        nodes.set(id, { id, kind: v.kind === 'model' ? 'model' : 'dataset', label: ref, ref });
      if (v.kind === 'model') models.add(v.artifact);
      // What a run read back from its own earlier stage is inside the run, not lineage between nodes.
      if (v.role === 'in' && wrote.has(ref)) continue;
      edges.push(v.role === 'in' ? { from: id, to: runNode } : { from: runNode, to: id });
    }
  }
  for (const artifact of models) {
    let reports;
    try {
      reports = gatesOfArtifact(project, artifact);
    } catch {
      // No gates for this artifact (or strata.yaml cannot be read): no gate nodes.
      continue;
    }
    for (const g of reports) {
      const ref = `${g.artifact}@${g.version}`;
      if (g.status === 'none' || !nodes.has(`version:${ref}`)) continue;
      const id = `gate:${ref}`;
      nodes.set(id, { id, kind: 'gate', label: `gates ${ref}`, ref, status: g.status });
      edges.push({ from: `version:${ref}`, to: id });
    }
  }
  for (const d of history(project, undefined, RUNS_SHOWN)) {
    const ref = `${d.model}@${d.version}`;
    const from = nodes.has(`gate:${ref}`) ? `gate:${ref}` : `version:${ref}`;
    if (!nodes.has(from)) continue;
    const id = `deployment:${d.id}`;
    nodes.set(id, { id, kind: 'deployment', label: `${d.target} #${d.id}`, ref: d.target, status: d.status });
    edges.push({ from, to: id });
  }
  return { nodes: [...nodes.values()], edges };
}
