import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { recoverInterrupted } from './recover.js';
import { runSummary } from './repo.js';

/** Runs this process is executing, so a cancel from the same process acts at once. */
const active = new Map<string, { controller: AbortController; project: Project }>();

export function registerActive(project: Project, runId: string, controller: AbortController): () => void {
  active.set(runId, { controller, project });
  return () => active.delete(runId);
}

/**
 * The project is being closed under running runs: stop their steps and write their end now, while
 * the database is still open; the runner's own bookkeeping after this finds it closed and stops.
 */
export function closeActiveRuns(project: Project): void {
  for (const [runId, a] of active) {
    if (a.project !== project) continue;
    a.controller.abort();
    const why = 'the project was closed while the run was going';
    project.db.transaction(() => {
      project.db
        .prepare(
          "UPDATE runs SET status = 'cancelled', ended_at = ?, error = ? WHERE id = ? AND status = 'running'",
        )
        .run(Date.now(), why, runId);
      project.db
        .prepare(
          "UPDATE run_stages SET status = 'cancelled', ended_at = ? WHERE run_id = ? AND status = 'running'",
        )
        .run(Date.now(), runId);
      project.db
        .prepare(
          "UPDATE run_stages SET status = 'skipped', reason = ? WHERE run_id = ? AND status = 'pending'",
        )
        .run(`not reached: ${why}`, runId);
    })();
    active.delete(runId);
  }
}

/**
 * Asks a run to stop, whichever process runs it: the request is written to the database, which every
 * runner polls; a runner in this process is told directly. A run whose runner is already gone is
 * closed as cancelled here, its leftover steps stopped.
 */
export function requestCancel(project: Project, runId: string): void {
  const run = runSummary(project, runId);
  if (run.status !== 'running')
    throw new StrataError('CONFLICT', `run ${runId} is not running (it is ${run.status})`);
  project.db.prepare('UPDATE runs SET cancel_requested = 1 WHERE id = ?').run(runId);
  const local = active.get(runId);
  if (local) local.controller.abort();
  else recoverInterrupted(project, 'cancelled', runId);
}

export function cancelRequested(project: Project, runId: string): boolean {
  return (
    (project.db.prepare('SELECT cancel_requested FROM runs WHERE id = ?').pluck().get(runId) as
      number | undefined) === 1
  );
}
