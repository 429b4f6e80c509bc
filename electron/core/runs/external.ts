import type { Project } from '../project/project.js';

/** How often another process's writes are looked for: a run started in a terminal shows within this. */
export const EXTERNAL_POLL_MS = 250;

/**
 * Calls `changed` with the ids of runs another process (a `strata run` in a terminal, a second
 * window) started, advanced or ended. SQLite's data_version moves only when another connection
 * commits, so a quiet project costs one pragma per poll and our own writes cost nothing here.
 * Returns the function that stops it.
 */
export function watchExternalRuns(project: Project, changed: (ids: string[]) => void): () => void {
  const version = () => project.db.pragma('data_version', { simple: true }) as number;
  let seen = version();
  let since = Date.now();
  // A run's state as last announced: status, end and how many stages have ended.
  const states = new Map<string, string>();
  const look = project.db.prepare(
    `SELECT r.id, r.status || ':' || coalesce(r.ended_at, '') || ':' ||
            (SELECT count(*) FROM run_stages s WHERE s.run_id = r.id AND s.status NOT IN ('pending', 'running')) AS state
       FROM runs r WHERE r.status = 'running' OR r.started_at >= ? OR r.ended_at >= ?`,
  );
  const timer = setInterval(() => {
    if (!project.db.open) return;
    const now = version();
    if (now === seen) return;
    seen = now;
    // A second of slack: another process's clock reading and its commit are not one instant.
    const from = since - 1000;
    since = Date.now();
    const ids: string[] = [];
    for (const row of look.all(from, from) as { id: string; state: string }[]) {
      if (states.get(row.id) === row.state) continue;
      states.set(row.id, row.state);
      ids.push(row.id);
    }
    if (ids.length) changed(ids);
  }, EXTERNAL_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
