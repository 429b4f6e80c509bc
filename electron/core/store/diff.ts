import type {
  DiffResult,
  FileChange,
  TabularChange,
  TabularStats,
  VersionInfo,
} from '../../../shared/api/artifacts.js';
import { runWorker } from '../jobs/worker.js';
import type { Project } from '../project/project.js';
import { parseEntries, type ManifestEntry } from './manifest.js';
import { locateObject } from './packs.js';
import { manifestText, requireArtifact } from './repo.js';
import type { TabularAnswer, TabularJob } from './tabular-worker.js';
import { tabularFormat } from './tabular.js';

function filesOf(project: Project, v: VersionInfo): Map<string, ManifestEntry> {
  const entries = parseEntries(manifestText(project, v.rootHash).entries);
  return new Map(entries.filter((e) => e.kind === 'f').map((e) => [e.path, e]));
}

/** Files added, removed and changed between two versions, and for tabular files what changed in their shape. */
export async function diffVersions(
  project: Project,
  a: VersionInfo,
  b: VersionInfo,
): Promise<Omit<DiffResult, 'paths'>> {
  const before = filesOf(project, a);
  const after = filesOf(project, b);
  const added: FileChange[] = [];
  const removed: FileChange[] = [];
  const changed: FileChange[] = [];
  let unchanged = 0;
  for (const [p, e] of after) {
    const old = before.get(p);
    if (!old) added.push({ path: p, sizeBefore: null, sizeAfter: e.size });
    else if (old.hash !== e.hash) changed.push({ path: p, sizeBefore: old.size, sizeAfter: e.size });
    else unchanged++;
  }
  for (const [p, e] of before)
    if (!after.has(p)) removed.push({ path: p, sizeBefore: e.size, sizeAfter: null });
  const byPath = (x: FileChange, y: FileChange) => (x.path < y.path ? -1 : 1);
  added.sort(byPath);
  removed.sort(byPath);
  changed.sort(byPath);
  const tabular = await tabularChanges(project, a, [...changed, ...added, ...removed], before, after);
  return { a, b, added, removed, changed, unchanged, tabular };
}

async function tabularChanges(
  project: Project,
  a: VersionInfo,
  files: FileChange[],
  before: Map<string, ManifestEntry>,
  after: Map<string, ManifestEntry>,
): Promise<TabularChange[]> {
  // A single-file artifact's entry has the empty path: its format comes from the artifact's own path.
  const artifactPath = requireArtifact(project, a.artifact).path;
  const jobs: TabularJob = [];
  const plan: { path: string; before: number | null; after: number | null }[] = [];
  for (const f of files) {
    const format = tabularFormat(f.path || artifactPath);
    if (!format) continue;
    const side = (m: Map<string, ManifestEntry>) => {
      const e = m.get(f.path);
      if (!e) return null;
      const loc = locateObject(project.db, project.objectsDir, e.hash);
      // A missing object is reported by the worker as an unreadable file, like a damaged one.
      jobs.push(
        loc
          ? { file: loc.file, offset: loc.offset, size: loc.size, format }
          : {
              file: `${project.objectsDir}/${e.hash} (missing from the store)`,
              offset: 0,
              size: e.size,
              format,
            },
      );
      return jobs.length - 1;
    };
    plan.push({ path: f.path, before: side(before), after: side(after) });
  }
  if (jobs.length === 0) return [];
  const answers = await runWorker<TabularJob, TabularAnswer>(
    new URL('./tabular-worker.js', import.meta.url),
    jobs,
  );
  return plan.map((p) => {
    const pick = (i: number | null): { stats: TabularStats | null; error: string | null } => {
      if (i === null) return { stats: null, error: null };
      const ans = answers[i];
      return 'stats' in ans ? { stats: ans.stats, error: null } : { stats: null, error: ans.error };
    };
    const b = pick(p.before);
    const c = pick(p.after);
    return compareStats(p.path, b.stats, c.stats, b.error ?? c.error);
  });
}

export function compareStats(
  path: string,
  before: TabularStats | null,
  after: TabularStats | null,
  error: string | null,
): TabularChange {
  const oldCols = new Map((before?.columns ?? []).map((c) => [c.name, c]));
  const newCols = new Map((after?.columns ?? []).map((c) => [c.name, c]));
  const both = before !== null && after !== null;
  return {
    path,
    before,
    after,
    addedColumns: both ? [...newCols.keys()].filter((n) => !oldCols.has(n)) : [],
    removedColumns: both ? [...oldCols.keys()].filter((n) => !newCols.has(n)) : [],
    typeChanges: both
      ? [...newCols.values()]
          .filter((c) => oldCols.has(c.name) && oldCols.get(c.name)!.type !== c.type)
          .map((c) => ({ column: c.name, from: oldCols.get(c.name)!.type, to: c.type }))
      : [],
    rowDelta: both ? after.rows - before.rows : null,
    error,
  };
}
