import type { ArtifactKind } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { recordVersion } from '../store/api.js';
import { within, type Stage } from './stages.js';

/** The kind of an out: as declared in strata.yaml, else a model when it looks like one. */
export function kindOf(project: Project, rel: string): ArtifactKind {
  const declared = Object.values(project.config.config.artifacts).find(
    (a) => a.path.replace(/^\.\//, '').replace(/\/$/, '') === rel,
  );
  if (declared) return declared.kind;
  return /(^|\/)models?(\/|$)|\.(pkl|pickle|joblib|pt|pth|onnx|h5|keras|safetensors|ckpt)$|model/i.test(rel)
    ? 'model'
    : 'dataset';
}

/** Records that a run read ('in') or wrote ('out') a version; once per (run, version, role). */
export function link(
  project: Project,
  runId: string,
  versionId: number,
  role: 'in' | 'out',
  stage: string,
  rel: string,
): void {
  project.db
    .prepare('INSERT OR IGNORE INTO run_io (run_id, version_id, role, stage, path) VALUES (?, ?, ?, ?, ?)')
    .run(runId, versionId, role, stage, rel);
}

/** The newest version of the artifact at rel with this content, if the store has one. */
export function versionWithHash(project: Project, rel: string, hash: string): number | null {
  const id = project.db
    .prepare(
      'SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.path = ? AND v.root_hash = ? ORDER BY v.id DESC LIMIT 1',
    )
    .pluck()
    .get(rel, hash) as number | undefined;
  return id ?? null;
}

/**
 * Versions what a stage wrote (lineage dataset → run → model) and links the run to the versions of
 * the data it read: deps that are declared artifacts or outs of other stages. Source files are
 * recorded by hash in the stage's row, not as artifacts.
 */
export async function recordStageLineage(
  project: Project,
  runId: string,
  stage: Stage,
  allStages: Stage[],
  depHashes: Record<string, string | null>,
  signal?: AbortSignal,
): Promise<void> {
  const declared = Object.values(project.config.config.artifacts).map((a) =>
    a.path.replace(/^\.\//, '').replace(/\/$/, ''),
  );
  const otherOuts = allStages.filter((s) => s.name !== stage.name).flatMap((s) => s.outs);
  for (const dep of stage.deps) {
    const hash = depHashes[dep];
    if (!hash) continue;
    const isData = declared.includes(dep) || otherOuts.some((o) => within(dep, o));
    if (!isData) continue;
    const known = versionWithHash(project, dep, hash);
    const id =
      known ??
      (
        await recordVersion(project, {
          path: dep,
          kind: kindOf(project, dep),
          source: 'run',
          runId,
          message: `read by stage ${stage.name}`,
          signal,
        })
      ).id;
    link(project, runId, id, 'in', stage.name, dep);
  }
  for (const out of stage.outs) {
    const v = await recordVersion(project, {
      path: out,
      kind: kindOf(project, out),
      source: 'run',
      runId,
      message: `written by stage ${stage.name}`,
      signal,
    });
    link(project, runId, v.id, 'out', stage.name, out);
  }
}

/**
 * Versions the files a step logged with log_artifact (paths relative to the project) as outputs of
 * the run, so they are in the store and in the lineage like declared outs. Returns one line per
 * logged path that could not be versioned (missing, outside the project…), for the stage's log.
 */
export async function recordLoggedArtifacts(
  project: Project,
  runId: string,
  stage: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const pending = project.db
    .prepare(
      `SELECT path FROM run_artifacts ra WHERE run_id = ?
         AND NOT EXISTS (SELECT 1 FROM run_io io WHERE io.run_id = ra.run_id AND io.role = 'out' AND io.path = ra.path)
       ORDER BY path`,
    )
    .pluck()
    .all(runId) as string[];
  const problems: string[] = [];
  for (const rel of pending) {
    try {
      const v = await recordVersion(project, {
        path: rel,
        kind: kindOf(project, rel),
        source: 'run',
        runId,
        message: `logged by stage ${stage}`,
        signal,
      });
      link(project, runId, v.id, 'out', stage, rel);
    } catch (err) {
      problems.push(`logged artifact ${rel} was not versioned: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** A skipped stage still belongs to the run's lineage: the versions of what it read and wrote, as they are now. */
export function linkSkipped(
  project: Project,
  runId: string,
  stage: Stage,
  depHashes: Record<string, string | null>,
  outHashes: Record<string, string | null>,
): void {
  for (const [role, hashes] of [
    ['in', depHashes],
    ['out', outHashes],
  ] as const) {
    for (const [p, hash] of Object.entries(hashes)) {
      const id = hash ? versionWithHash(project, p, hash) : null;
      if (id !== null) link(project, runId, id, role, stage.name, p);
    }
  }
}
