import type { ReproDifference, ReproLimit } from '../../../shared/api/review.js';
import type { Project } from '../project/project.js';
import { hashPath, restoreVersion } from '../store/api.js';
import type { StageRecord } from './record.js';

/** artifact@version of a content, for messages; the hash when no version names it. */
export function versionName(project: Project, rel: string, hash: string): string {
  const row = project.db
    .prepare(
      `SELECT a.name, v.number FROM versions v JOIN artifacts a ON a.id = v.artifact_id
       WHERE v.root_hash = ? ORDER BY a.path = ? DESC, v.id DESC LIMIT 1`,
    )
    .get(hash, rel) as { name: string; number: number } | undefined;
  return row ? `${row.name}@${row.number}` : hash.slice(0, 12);
}

/**
 * Puts in the scratch folder the data each recorded stage read and no re-run stage writes: content
 * the worktree already has as recorded is left; other content comes from the store. Content the
 * store lacks is a fatal limit when the worktree has nothing at that path (data that cannot be put
 * back) and a code difference when git put another version there.
 */
export async function checkoutInputs(
  scratch: Project,
  stages: StageRecord[],
  signal?: AbortSignal,
): Promise<{ limits: ReproLimit[]; differences: ReproDifference[]; restored: string[] }> {
  const limits: ReproLimit[] = [];
  const differences: ReproDifference[] = [];
  const restored: string[] = [];
  const produced = new Set(stages.flatMap((s) => Object.keys(s.outs)));
  const wanted = new Map<string, string>();
  for (const s of stages)
    for (const [dep, hash] of Object.entries(s.deps)) if (hash && !produced.has(dep)) wanted.set(dep, hash);
  const stored = scratch.db.prepare('SELECT 1 FROM manifests WHERE root_hash = ?').pluck();
  for (const [dep, hash] of wanted) {
    const now = await hashPath(scratch, dep, { signal });
    if (now === hash) continue;
    const name = versionName(scratch, dep, hash);
    if (stored.get(hash)) {
      try {
        await restoreVersion(scratch, hash, dep, { signal });
        restored.push(dep);
      } catch (err) {
        limits.push({
          kind: 'missing-data',
          message: `${dep}: ${name} cannot be checked out from the store, its content is missing or unreadable (${(err as Error).message}); \`strata fsck\` lists what is lost`,
          fatal: true,
        });
      }
    } else if (now === null) {
      limits.push({
        kind: 'missing-data',
        message: `${dep}: the content the run read (${hash.slice(0, 12)}) is not in the store, and the recorded code does not have it`,
        fatal: true,
      });
    } else {
      differences.push({
        category: 'code',
        subject: `file ${dep}`,
        original: hash.slice(0, 12),
        reproduced: now.slice(0, 12),
        note: 'the recorded commit and change give this file another content than the run read',
      });
    }
  }
  return { limits, differences, restored };
}
