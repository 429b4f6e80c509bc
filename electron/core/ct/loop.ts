import type { CtCycle, CtStatus, CtTrigger } from '../../../shared/api/ct.js';
import type { VersionedEvent } from '../../../shared/api/artifacts.js';
import type { DriftAlert } from '../../../shared/api/drift.js';
import { StrataError } from '../../../shared/errors.js';
import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import { loadPolicy, type CtPolicy } from './config.js';
import { cronMatches, nextCronTime } from './cron.js';
import { runCycle, stepsOf } from './cycle.js';
import { policyInWords } from './words.js';
import {
  cycleRunningElsewhere,
  cyclesSince,
  getCycle,
  getState,
  insertCycle,
  markInterrupted,
  setState,
} from './records.js';

/** Triggers arriving together (a folder's files versioned one after another) start one cycle. */
export const TRIGGER_SETTLE_MS = 500;
const HOUR_MS = 3_600_000;
const BUSY_RETRY_MS = 5000;

interface Pending extends CtTrigger {
  /** the version or alert row it stands for, so it is answered once even across a restart */
  versionId?: number;
  alertId?: number;
}

/**
 * The CT loop of one open project: it turns triggers into cycles, one at a time. Triggers that
 * arrive during a cycle, or within the settle time, coalesce into the next one; a cycle's own
 * outputs never trigger; at most max_cycles_per_hour cycles start from triggers; paused, triggers
 * are dropped. Every cycle runs as a job (jobs tray: its step, cancel).
 */
export class CtLoop {
  private pending: Pending[] = [];
  private running: { cycleId: number; jobId: string; done: Promise<unknown> } | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private cronTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  watching = false;

  constructor(
    private readonly project: Project,
    private readonly engine: Engine,
  ) {}

  /** Starts listening: interrupted cycles are marked, and triggers that came while no loop ran are answered. */
  start(): void {
    this.watching = true;
    for (const id of markInterrupted(this.project)) this.emitCycle(getCycle(this.project, id));
    this.unsubscribe = this.engine.subscribe((event, payload) => {
      if (this.engine.project !== this.project || !this.project.db.open) return;
      if (event === 'artifact.versioned') this.onVersion(payload as VersionedEvent);
      else if (event === 'drift.alert') this.onAlert(payload as DriftAlert);
    });
    this.catchUp();
    this.scheduleCron();
  }

  status(): CtStatus {
    let policy: CtPolicy | null = null;
    let error: CtStatus['error'] = null;
    try {
      policy = loadPolicy(this.project);
    } catch (err) {
      const e = err as StrataError;
      error = { message: e.message, file: e.where?.file, line: e.where?.line };
    }
    return {
      policy: policy && policyInWords(policy),
      error,
      paused: getState(this.project, 'paused') === '1',
      watching: this.watching,
      pending: this.pending.map(({ kind, detail, at }) => ({ kind, detail, at })),
      cyclesLastHour: cyclesSince(this.project, new Date(Date.now() - HOUR_MS).toISOString()).length,
    };
  }

  setPaused(paused: boolean): CtStatus {
    setState(this.project, 'paused', paused ? '1' : '0');
    if (paused) this.pending = [];
    const s = this.status();
    this.engine.emit('ct.status', s);
    return s;
  }

  /** A person starts a cycle: refused while one runs (in this process or another). */
  runNow(who: string): { jobId: string; cycleId: number } {
    const policy = this.requirePolicy();
    this.requireIdle();
    return this.startCycle(policy, [{ kind: 'manual', detail: who, at: new Date().toISOString() }]);
  }

  /** Resolves once no cycle runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running.done.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watching = false;
    this.unsubscribe?.();
    for (const t of [this.settleTimer, this.retryTimer, this.cronTimer]) if (t) clearTimeout(t);
    this.pending = [];
    await this.idle();
  }

  private requirePolicy(): CtPolicy {
    const policy = loadPolicy(this.project);
    if (!policy)
      throw new StrataError('NOT_FOUND', 'strata.yaml has no ct: policy (see docs/ct.md for its fields).');
    return policy;
  }

  private requireIdle(): void {
    if (this.running)
      throw new StrataError(
        'CONFLICT',
        `CT cycle ${this.running.cycleId} is running; wait for it or cancel it.`,
      );
    const elsewhere = cycleRunningElsewhere(this.project);
    if (elsewhere !== null)
      throw new StrataError('CONFLICT', `CT cycle ${elsewhere} is running in another Strata process.`);
  }

  private policyOrNull(): CtPolicy | null {
    try {
      return loadPolicy(this.project);
    } catch {
      // A broken policy is shown by ct.status and the config banner; nothing triggers until it is fixed.
      return null;
    }
  }

  private onVersion(e: VersionedEvent): void {
    const policy = this.policyOrNull();
    if (!e.created || !policy || !policy.datasets.includes(e.artifact)) return;
    if (this.isOwnOutput(e.artifact, e.version.source)) return;
    const id = this.versionRowId(e.artifact, e.version.number);
    if (id !== null && id <= Number(getState(this.project, 'seen.version') ?? 0)) return;
    this.trigger({
      kind: 'dataset',
      detail: `${e.artifact}@${e.version.number}`,
      at: new Date().toISOString(),
      versionId: id ?? undefined,
    });
  }

  private onAlert(a: DriftAlert): void {
    const policy = this.policyOrNull();
    if (!policy || !policy.monitors.includes(a.monitor)) return;
    const id = this.project.db
      .prepare('SELECT MAX(id) FROM drift_alerts WHERE monitor = ?')
      .pluck()
      .get(a.monitor) as number | null;
    if (id !== null && id <= Number(getState(this.project, 'seen.alert') ?? 0)) return;
    this.trigger({
      kind: 'drift',
      detail: `monitor ${a.monitor}, window ${a.window + 1}${a.columns.length ? ` (${a.columns.join(', ')})` : ''}`,
      at: new Date().toISOString(),
      alertId: id ?? undefined,
    });
  }

  /**
   * A version a pipeline run wrote, or of a path some stage writes, is the loop's own output: a
   * cycle that retrains must not start the next one.
   */
  private isOwnOutput(artifact: string, source: string): boolean {
    if (source === 'run') return true;
    const path = this.project.config.config.artifacts[artifact]?.path;
    return Object.values(this.project.config.config.stages).some((s) =>
      s.outs.some((o) => (typeof o === 'string' ? o : Object.keys(o)[0]) === path),
    );
  }

  private versionRowId(artifact: string, number: number): number | null {
    return (
      (this.project.db
        .prepare(
          'SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ? AND v.number = ?',
        )
        .pluck()
        .get(artifact, number) as number | undefined) ?? null
    );
  }

  /** Versions and alerts recorded while no loop ran start a cycle now; the first loop ever only notes where things stand. */
  private catchUp(): void {
    const policy = this.policyOrNull();
    if (!policy) return;
    const maxVersion = (names: string[]) =>
      names.length
        ? ((this.project.db
            .prepare(
              `SELECT v.id, a.name, v.number FROM versions v JOIN artifacts a ON a.id = v.artifact_id
               WHERE a.name IN (${names.map(() => '?').join(',')}) AND v.source != 'run' ORDER BY v.id DESC LIMIT 1`,
            )
            .get(...names) as { id: number; name: string; number: number } | undefined) ?? null)
        : null;
    const maxAlert = (names: string[]) =>
      names.length
        ? ((this.project.db
            .prepare(
              `SELECT id, monitor, window FROM drift_alerts WHERE monitor IN (${names.map(() => '?').join(',')})
               ORDER BY id DESC LIMIT 1`,
            )
            .get(...names) as { id: number; monitor: string; window: number } | undefined) ?? null)
        : null;
    const v = maxVersion(policy.datasets);
    const a = maxAlert(policy.monitors);
    const seenV = getState(this.project, 'seen.version');
    const seenA = getState(this.project, 'seen.alert');
    if (seenV === null) setState(this.project, 'seen.version', String(v?.id ?? 0));
    else if (v && v.id > Number(seenV))
      this.trigger({
        kind: 'dataset',
        detail: `${v.name}@${v.number} (recorded while no loop ran)`,
        at: new Date().toISOString(),
        versionId: v.id,
      });
    if (seenA === null) setState(this.project, 'seen.alert', String(a?.id ?? 0));
    else if (a && a.id > Number(seenA))
      this.trigger({
        kind: 'drift',
        detail: `monitor ${a.monitor}, window ${a.window + 1} (alerted while no loop ran)`,
        at: new Date().toISOString(),
        alertId: a.id,
      });
  }

  private scheduleCron(): void {
    const policy = this.policyOrNull();
    if (this.stopped || !policy?.cron) return;
    const next = nextCronTime(policy.cron, new Date());
    if (!next) return;
    // Re-planned at least hourly, so an edited schedule or a clock change is picked up.
    const delay = Math.min(next.getTime() - Date.now(), HOUR_MS);
    this.cronTimer = setTimeout(
      () => {
        const now = policy.cron && this.policyOrNull()?.cron;
        if (now && cronMatches(now, new Date()))
          this.trigger({ kind: 'schedule', detail: policy.schedule as string, at: new Date().toISOString() });
        this.scheduleCron();
      },
      Math.max(delay, 1000),
    );
  }

  private trigger(t: Pending): void {
    if (this.stopped || getState(this.project, 'paused') === '1') return;
    this.pending.push(t);
    this.engine.emit('ct.status', this.status());
    if (this.running) return;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.drain(), TRIGGER_SETTLE_MS);
  }

  private drain(): void {
    this.settleTimer = null;
    if (this.stopped || this.running || !this.pending.length || !this.project.db.open) return;
    const policy = this.policyOrNull();
    if (!policy) return;
    const recent = cyclesSince(this.project, new Date(Date.now() - HOUR_MS).toISOString());
    if (recent.length >= policy.max_cycles_per_hour) {
      const freeAt = Date.parse(recent[recent.length - policy.max_cycles_per_hour]) + HOUR_MS;
      this.retry(Math.max(freeAt - Date.now(), 1000));
      return;
    }
    if (cycleRunningElsewhere(this.project) !== null) {
      this.retry(BUSY_RETRY_MS);
      return;
    }
    const triggers = this.unanswered(this.pending);
    this.pending = [];
    if (triggers.length) this.startCycle(policy, triggers);
  }

  /** A cycle trains on the latest data: triggers for versions or alerts an earlier cycle saw are answered. */
  private unanswered(triggers: Pending[]): Pending[] {
    const seenV = Number(getState(this.project, 'seen.version') ?? 0);
    const seenA = Number(getState(this.project, 'seen.alert') ?? 0);
    return triggers.filter(
      (t) =>
        (t.versionId === undefined || t.versionId > seenV) && (t.alertId === undefined || t.alertId > seenA),
    );
  }

  private retry(ms: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.drain();
    }, ms);
  }

  private startCycle(policy: CtPolicy, triggers: Pending[]): { jobId: string; cycleId: number } {
    const project = this.project;
    const versionIds = triggers.map((t) => t.versionId ?? 0);
    const alertIds = triggers.map((t) => t.alertId ?? 0);
    // Everything recorded up to now is answered by this cycle (it validates and trains on the latest).
    const latest = project.db.prepare('SELECT MAX(id) FROM versions').pluck().get() as number | null;
    setState(project, 'seen.version', String(Math.max(latest ?? 0, ...versionIds)));
    const latestAlert = project.db.prepare('SELECT MAX(id) FROM drift_alerts').pluck().get() as number | null;
    setState(project, 'seen.alert', String(Math.max(latestAlert ?? 0, ...alertIds)));
    const shown = triggers.map(({ kind, detail, at }) => ({ kind, detail, at }));
    const steps = stepsOf(policy);
    const cycleId = insertCycle(project, shown, steps);
    const cycle = getCycle(project, cycleId);
    const label = (step: string) => `CT cycle ${cycleId}: ${step}`;
    const { job, done } = this.engine.jobs.start(
      { label: label('starting'), unit: 'steps', total: steps.length },
      async (ctx) => {
        const ended = await runCycle(this.engine, project, policy, cycle, {
          signal: ctx.signal,
          changed: (c) => {
            const i = c.steps.findIndex((s) => s.name === c.step);
            ctx.relabel(label(c.status === 'waiting' ? 'waiting for approval' : (c.step ?? 'starting')));
            ctx.progress(Math.max(i, 0));
            this.emitCycle(c);
          },
        });
        if (ended.status === 'cancelled') throw new StrataError('CANCELLED', ended.outcome ?? 'cancelled');
        if (ended.status === 'failed') throw new StrataError('INTERNAL', ended.outcome ?? 'failed');
        // Neither is a failure of the job, but the tray must not read as if the cycle went through.
        if (ended.status === 'rejected' || ended.status === 'unchanged') ctx.relabel(label(ended.status));
        return ended;
      },
    );
    this.running = { cycleId, jobId: job.id, done };
    this.emitCycle(cycle);
    const settle = () => {
      this.running = null;
      if (this.pending.length && !this.stopped) this.drain();
    };
    void done.then(settle, settle);
    return { jobId: job.id, cycleId };
  }

  private emitCycle(c: CtCycle): void {
    this.engine.emit('ct.cycle', structuredClone(c));
  }
}

const loops = new WeakMap<Project, CtLoop>();

export function ctLoopFor(project: Project, engine: Engine): CtLoop {
  let l = loops.get(project);
  if (!l) {
    l = new CtLoop(project, engine);
    loops.set(project, l);
  }
  return l;
}
