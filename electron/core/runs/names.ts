import type { Project } from '../project/project.js';

/** How many differing params a run's name carries: enough to tell runs apart at a glance. */
const NAMED_PARAMS = 2;

function short(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 24 ? text.slice(0, 23) + '…' : text;
}

/**
 * A name for a pipeline run the user did not name: what it runs and its number among the runs of the
 * same stages ("pipeline #4", "train+evaluate #2"), then the params that differ from the previous such
 * run ("pipeline #4 · lr=0.05, depth=8"), so a list of runs reads as the experiments they were.
 */
export function autoRunName(project: Project, what: string, params: Record<string, unknown>): string {
  const prefix = `${what} #`;
  const like = prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  const count = project.db
    .prepare("SELECT count(*) FROM runs WHERE kind = 'pipeline' AND name LIKE ? ESCAPE '\\'")
    .pluck()
    .get(like) as number;
  const previous = project.db
    .prepare(
      "SELECT id FROM runs WHERE kind = 'pipeline' AND name LIKE ? ESCAPE '\\' ORDER BY started_at DESC LIMIT 1",
    )
    .pluck()
    .get(like) as string | undefined;
  const name = `${what} #${count + 1}`;
  if (!previous) return name;
  const before = new Map(
    (
      project.db.prepare('SELECT key, value FROM run_params WHERE run_id = ?').all(previous) as {
        key: string;
        value: string;
      }[]
    ).map((r) => [r.key, r.value]),
  );
  const differing = Object.entries(params)
    .filter(([k, v]) => before.get(k) !== JSON.stringify(v ?? null))
    .map(([k, v]) => `${k.split('.').pop()}=${short(v)}`);
  if (differing.length === 0) return name;
  const more = differing.length > NAMED_PARAMS ? ` +${differing.length - NAMED_PARAMS}` : '';
  return `${name} · ${differing.slice(0, NAMED_PARAMS).join(', ')}${more}`;
}
