import type { CtCycle, CtStep, CtTrigger } from '../../../shared/api/ct.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';

interface CycleRow {
  id: number;
  trigger: CtCycle['trigger'];
  reason: string;
  triggers: string;
  status: CtCycle['status'];
  step: CtCycle['step'];
  steps: string;
  outcome: string | null;
  model: string | null;
  version: number | null;
  decision: 'approve' | 'reject' | null;
  decided_by: string | null;
  pid: number | null;
  started_at: string;
  ended_at: string | null;
}

const ofRow = (r: CycleRow): CtCycle => ({
  id: r.id,
  trigger: r.trigger,
  triggers: JSON.parse(r.triggers) as CtTrigger[],
  reason: r.reason,
  status: r.status,
  step: r.step,
  steps: JSON.parse(r.steps) as CtStep[],
  outcome: r.outcome,
  model: r.model,
  version: r.version,
  decidedBy: r.decided_by,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

export function insertCycle(project: Project, triggers: CtTrigger[], steps: CtStep[]): number {
  const reason = triggers.map((t) => t.detail).join('; ');
  return Number(
    project.db
      .prepare(
        `INSERT INTO ct_cycles (trigger, reason, triggers, status, steps, pid)
         VALUES (?, ?, ?, 'running', ?, ?)`,
      )
      .run(triggers[0].kind, reason, JSON.stringify(triggers), JSON.stringify(steps), process.pid)
      .lastInsertRowid,
  );
}

export function saveCycle(project: Project, c: CtCycle): void {
  if (!project.db.open) return;
  project.db
    .prepare(
      `UPDATE ct_cycles SET status = ?, step = ?, steps = ?, outcome = ?, model = ?, version = ?,
         ended_at = ? WHERE id = ?`,
    )
    .run(c.status, c.step, JSON.stringify(c.steps), c.outcome, c.model, c.version, c.endedAt, c.id);
}

export function getCycle(project: Project, id: number): CtCycle {
  const row = project.db.prepare('SELECT * FROM ct_cycles WHERE id = ?').get(id) as CycleRow | undefined;
  if (!row) throw new StrataError('NOT_FOUND', `No CT cycle ${id} (see strata ct cycles).`);
  return ofRow(row);
}

export function listCycles(project: Project, limit: number): CtCycle[] {
  return (
    project.db.prepare('SELECT * FROM ct_cycles ORDER BY id DESC LIMIT ?').all(limit) as CycleRow[]
  ).map(ofRow);
}

/** The decision recorded for a waiting cycle, by this process or another (`strata ct approve`). */
export function decisionOf(
  project: Project,
  id: number,
): { decision: 'approve' | 'reject' | null; who: string | null } {
  const row = project.db.prepare('SELECT decision, decided_by FROM ct_cycles WHERE id = ?').get(id) as
    { decision: 'approve' | 'reject' | null; decided_by: string | null } | undefined;
  return { decision: row?.decision ?? null, who: row?.decided_by ?? null };
}

export function decide(project: Project, id: number, decision: 'approve' | 'reject', who: string): CtCycle {
  const c = getCycle(project, id);
  if (c.status !== 'waiting')
    throw new StrataError('CONFLICT', `Cycle ${id} is ${c.status}, not waiting for approval.`);
  project.db
    .prepare("UPDATE ct_cycles SET decision = ?, decided_by = ? WHERE id = ? AND status = 'waiting'")
    .run(decision, who, id);
  return { ...c, decidedBy: who };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The cycle another live process is running, if any: one loop per project at a time. */
export function cycleRunningElsewhere(project: Project): number | null {
  const rows = project.db
    .prepare("SELECT id, pid FROM ct_cycles WHERE status IN ('running', 'waiting')")
    .all() as { id: number; pid: number | null }[];
  return rows.find((r) => r.pid !== null && r.pid !== process.pid && alive(r.pid))?.id ?? null;
}

/**
 * Cycles left running or waiting by a process that is gone (a crash, a kill) end as interrupted,
 * with their open step marked so; a cycle never shows as running when nothing runs it.
 */
export function markInterrupted(project: Project): number[] {
  const rows = project.db
    .prepare("SELECT * FROM ct_cycles WHERE status IN ('running', 'waiting')")
    .all() as CycleRow[];
  const ended: number[] = [];
  for (const row of rows) {
    if (row.pid === process.pid || (row.pid !== null && alive(row.pid))) continue;
    const c = ofRow(row);
    for (const s of c.steps)
      if (s.status === 'running' || s.status === 'waiting') {
        s.status = 'cancelled';
        s.message = 'interrupted: the process running the cycle ended';
      }
    saveCycle(project, {
      ...c,
      status: 'interrupted',
      outcome: `interrupted during ${c.step ?? 'its start'}: the process running it (pid ${row.pid}) ended; nothing after that step was done`,
      endedAt: new Date().toISOString(),
    });
    ended.push(c.id);
  }
  return ended;
}

export function cyclesSince(project: Project, sinceIso: string): string[] {
  return project.db
    .prepare(
      "SELECT started_at FROM ct_cycles WHERE started_at >= ? AND trigger != 'manual' ORDER BY started_at",
    )
    .pluck()
    .all(sinceIso) as string[];
}

export function getState(project: Project, key: string): string | null {
  return (project.db.prepare('SELECT value FROM ct_state WHERE key = ?').pluck().get(key) as string) ?? null;
}

export function setState(project: Project, key: string, value: string): void {
  project.db
    .prepare(
      'INSERT INTO ct_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);
}
