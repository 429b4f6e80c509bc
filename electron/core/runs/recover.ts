import os from 'node:os';
import type { Project } from '../project/project.js';
import { stopMarked } from '../pipeline/marked.js';
import { groupAlive, stopGroup } from '../pipeline/process.js';
import { cancelJobs } from '../pipeline/slurm.js';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LiveRow {
  id: string;
  runner_pid: number | null;
  runner_host: string | null;
}

/** A 'running' run whose runner process is gone (this machine only: a pid means nothing elsewhere). */
export function orphaned(row: LiveRow): boolean {
  if (row.runner_pid === null) return true;
  return row.runner_host === os.hostname() && !processAlive(row.runner_pid);
}

/**
 * Stops what a dead runner's steps left running, so an interrupted run does not keep burning CPU:
 * their process groups, and the processes that left them, found by the run marker. What cannot be
 * stopped is added to the run's error.
 */
export async function stopRunProcesses(project: Project, runId: string, graceMs = 2000): Promise<void> {
  const pids = project.db
    .prepare("SELECT pid FROM run_stages WHERE run_id = ? AND status = 'running' AND pid IS NOT NULL")
    .pluck()
    .all(runId) as number[];
  // A SLURM stage's job runs on the cluster, not under the dead runner: it is stopped by its id, and so
  // is one still pending, submitted behind its upstream's job.
  const jobs = project.db
    .prepare(
      `SELECT t.value FROM run_stages s JOIN run_tags t ON t.run_id = s.run_id AND t.key = 'slurm.' || s.stage || '.job'
       WHERE s.run_id = ? AND s.status IN ('running', 'pending')`,
    )
    .pluck()
    .all(runId) as string[];
  const [, marked, uncancelled] = await Promise.all([
    Promise.all(pids.filter((p) => groupAlive(p)).map((p) => stopGroup(p, graceMs))),
    stopMarked(runId, graceMs),
    cancelJobs(jobs),
  ]);
  const problems = [...uncancelled];
  if (marked.survivors.length)
    problems.push(
      `${marked.survivors.length} of its processes could not be stopped (pid ${marked.survivors.join(', ')})`,
    );
  if (problems.length && project.db.open)
    project.db
      .prepare("UPDATE runs SET error = COALESCE(error || '; ', '') || ? WHERE id = ?")
      .run(problems.join('; '), runId);
}

/**
 * Marks as interrupted every run whose runner died mid-run (the app was killed, the laptop slept
 * into a crash…). Called when a project is opened and before a new run starts. Returns the ids.
 */
export function recoverInterrupted(
  project: Project,
  final: 'interrupted' | 'cancelled' = 'interrupted',
  only?: string,
): string[] {
  const rows = project.db
    .prepare("SELECT id, runner_pid, runner_host FROM runs WHERE status = 'running'")
    .all() as LiveRow[];
  const dead = rows.filter((r) => (only === undefined || r.id === only) && orphaned(r));
  for (const r of dead) {
    // Read before the stages are marked below: it needs the pids of the running ones.
    void stopRunProcesses(project, r.id);
    const why =
      final === 'cancelled'
        ? 'cancelled after its runner had already stopped'
        : `its runner (pid ${r.runner_pid ?? '?'}) stopped before the run finished`;
    project.db.transaction(() => {
      project.db
        .prepare('UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?')
        .run(final, Date.now(), why, r.id);
      project.db
        .prepare(
          "UPDATE run_stages SET status = ?, ended_at = COALESCE(ended_at, ?) WHERE run_id = ? AND status = 'running'",
        )
        .run(final, Date.now(), r.id);
      project.db
        .prepare(
          "UPDATE run_stages SET status = 'skipped', reason = ? WHERE run_id = ? AND status = 'pending'",
        )
        .run(`not reached: the run was ${final}`, r.id);
    })();
  }
  return dead.map((r) => r.id);
}
