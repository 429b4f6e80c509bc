import type { CtCycle, CtStep, CtStepName, CtTrigger } from '../../../shared/api/ct.js';
import { StrataError } from '../../../shared/errors.js';
import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import { controllerFor } from '../pipeline/controller.js';
import type { CtPolicy } from './config.js';
import { decisionOf, saveCycle } from './records.js';

const APPROVAL_POLL_MS = 300;

/** The steps a policy takes, in their fixed order. */
export function stepsOf(policy: CtPolicy): CtStep[] {
  const names: CtStepName[] = [];
  if (policy.validate !== false) names.push('validate');
  names.push('run');
  if (policy.model) names.push('evaluate');
  if (policy.model && policy.gates) names.push('gates');
  if (policy.approval === 'promote') names.push('approval');
  if (policy.promote) names.push('promote');
  if (policy.approval === 'deploy') names.push('approval');
  if (policy.deploy.length) names.push('deploy');
  return names.map((name) => ({
    name,
    status: 'pending',
    startedAt: null,
    durationMs: null,
    message: null,
    links: {},
  }));
}

/** A step ended the cycle: the status the cycle ends with and why. */
class Stop extends Error {
  constructor(
    readonly status: 'failed' | 'rejected' | 'unchanged' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

export interface CycleHooks {
  signal: AbortSignal;
  /** the cycle changed (a step started or ended): record it and tell the UI */
  changed: (cycle: CtCycle) => void;
}

/**
 * Runs one cycle by calling what the UI and CLI call (validation.run, pipelines.run, runs.get,
 * gates.check, artifacts.tag, deploy.start): CT adds no second way of doing any step. A step that
 * fails stops the cycle before anything moves the champion or the deployment; a deploy that fails
 * after the promotion puts the alias back where it was.
 */
export async function runCycle(
  engine: Engine,
  project: Project,
  policy: CtPolicy,
  cycle: CtCycle,
  hooks: CycleHooks,
): Promise<CtCycle> {
  const { signal } = hooks;
  const state = {
    runId: null as string | null,
    version: null as number | null,
    previous: null as number | null,
  };
  const changed = () => {
    saveCycle(project, cycle);
    hooks.changed(cycle);
  };
  const checkCancelled = () => {
    if (signal.aborted) throw new Stop('cancelled', `cancelled during ${cycle.step}`);
  };

  const steps: Record<CtStepName, (s: CtStep) => Promise<string | null>> = {
    validate: async (s) => {
      const datasets = Array.isArray(policy.validate)
        ? policy.validate
        : triggeredDatasets(policy, cycle.triggers);
      const lines: string[] = [];
      s.links.validation = [];
      for (const d of datasets) {
        let reports;
        try {
          reports = await engine.invoke('validation.run', { target: `${d}@latest` });
        } catch (err) {
          // A dataset without rules is not a failure of the data: say so and go on.
          if (err instanceof StrataError && err.code === 'NOT_FOUND' && /No validations/.test(err.message)) {
            lines.push(`${d}: no validations: entry, not checked`);
            continue;
          }
          throw err;
        }
        for (const r of reports) {
          s.links.validation.push(r.id);
          lines.push(
            `${r.name} on ${r.artifact}@${r.version}: ${r.status} (${r.counts.failed} failed, ${r.counts.errors} errors)`,
          );
          if (r.status === 'fail' || r.status === 'error')
            throw new Stop('failed', `validation ${r.status}: ${r.name} on ${r.artifact}@${r.version}`);
        }
      }
      return lines.join('; ') || 'no dataset to validate';
    },
    run: async (s) => {
      const stages = policy.run === 'all' ? [] : policy.run;
      const { runId } = await engine.invoke('pipelines.run', { stages, name: `ct cycle ${cycle.id}` });
      state.runId = runId;
      if (runId) s.links.runId = runId;
      changed();
      const cancel = () => {
        if (runId) void engine.invoke('runs.cancel', { id: runId }).catch(() => undefined);
      };
      signal.addEventListener('abort', cancel, { once: true });
      try {
        await controllerFor(project, engine).idle();
      } finally {
        signal.removeEventListener('abort', cancel);
      }
      const status = project.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as
        string | undefined;
      if (status === undefined) {
        delete s.links.runId;
        state.runId = null;
        return 'every stage was up to date: nothing ran';
      }
      checkCancelled();
      if (status !== 'done') {
        const run = await engine.invoke('runs.get', { id: runId as string });
        const failed = run.stages.find((x) => x.status === 'failed');
        throw new Stop(
          'failed',
          `run ${runId} ${status}${failed ? `: stage ${failed.stage}: ${failed.reason}` : ''}`,
        );
      }
      return `run ${runId} done`;
    },
    evaluate: async (s) => {
      const model = policy.model as string;
      const run = state.runId ? await engine.invoke('runs.get', { id: state.runId }) : null;
      const written = run?.versions.find((v) => v.role === 'out' && v.artifact === model);
      const version =
        written?.version ??
        (await engine.invoke('artifacts.versions', { artifact: model })).versions[0]?.number;
      if (version === undefined) throw new Stop('failed', `the run wrote no version of ${model}`);
      cycle.model = model;
      cycle.version = version;
      s.links.model = `${model}@${version}`;
      const runId = run?.id ?? versionRun(project, model, version);
      if (runId) {
        s.metrics =
          run?.id === runId ? run.metrics : (await engine.invoke('runs.get', { id: runId })).metrics;
        s.links.runId = runId;
      }
      const current = policy.promote ? aliasTarget(project, model, policy.promote) : null;
      state.previous = current;
      if (current === version)
        throw new Stop('unchanged', `nothing new: ${model}@${version} is already ${policy.promote}`);
      const shown = Object.entries(s.metrics ?? {})
        .slice(0, 4)
        .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`);
      return `${model}@${version}${shown.length ? `: ${shown.join(', ')}` : ''}`;
    },
    gates: async (s) => {
      const target = `${cycle.model}@${cycle.version}`;
      const report = await engine.invoke('gates.check', { target });
      s.links.gates = target;
      const failing = report.gates.filter((g) => g.status === 'fail' || g.status === 'error');
      if (report.status === 'fail' || report.status === 'error')
        throw new Stop(
          'rejected',
          `gates ${report.status}: ${failing.map((g) => `${g.label} (${g.message})`).join('; ') || 'the version cannot be judged'}`,
        );
      return report.status === 'none'
        ? 'no gates set for this model'
        : `${report.gates.length} gates pass against ${report.champion === null ? 'no champion yet' : `champion @${report.champion}`}`;
    },
    approval: async (s) => {
      s.status = 'waiting';
      cycle.status = 'waiting';
      changed();
      for (;;) {
        checkCancelled();
        const { decision, who } = decisionOf(project, cycle.id);
        if (decision) {
          cycle.status = 'running';
          cycle.decidedBy = who;
          if (decision === 'reject') throw new Stop('rejected', `rejected by ${who}`);
          return `approved by ${who}`;
        }
        await sleep(APPROVAL_POLL_MS, signal);
      }
    },
    promote: async (s) => {
      const alias = policy.promote as string;
      const model = cycle.model as string;
      const v = await engine.invoke('artifacts.tag', { artifact: model, ref: String(cycle.version), alias });
      s.links.alias = { name: alias, from: state.previous, to: v.number };
      return `${alias}: ${state.previous === null ? 'none' : `@${state.previous}`} → @${v.number}`;
    },
    deploy: async (s) => {
      s.links.deployments = [];
      const lines: string[] = [];
      for (const target of policy.deploy) {
        const { jobId } = await engine.invoke('deploy.start', {
          target,
          model: `${cycle.model}@${cycle.version}`,
        });
        const cancel = () => engine.jobs.cancel(jobId);
        signal.addEventListener('abort', cancel, { once: true });
        const job = await engine.jobs.wait(jobId).finally(() => signal.removeEventListener('abort', cancel));
        const d = (job.result as { deployment?: { id: number; url: string | null } } | undefined)?.deployment;
        if (d) s.links.deployments.push(d.id);
        if (job.state !== 'done') {
          await restoreAlias(s);
          checkCancelled();
          throw new Stop('failed', `deploy to ${target} ${job.state}: ${job.error?.message ?? ''}`);
        }
        lines.push(`${target}${d?.url ? ` at ${d.url}` : ''}`);
      }
      return `deployed to ${lines.join(', ')}`;
    },
  };

  /** A failed deploy leaves the champion where it was before this cycle. */
  const restoreAlias = async (s: CtStep) => {
    const moved = cycle.steps.find((x) => x.name === 'promote' && x.status === 'passed');
    if (!moved || !policy.promote || !cycle.model) return;
    if (state.previous === null) {
      s.message = `${policy.promote} stays on @${cycle.version}: there was no earlier version to put back`;
      return;
    }
    await engine.invoke('artifacts.tag', {
      artifact: cycle.model,
      ref: String(state.previous),
      alias: policy.promote,
      override: `restored by CT cycle ${cycle.id} after its deploy failed`,
    });
  };

  try {
    for (const s of cycle.steps) {
      checkCancelled();
      cycle.step = s.name;
      s.status = 'running';
      s.startedAt = new Date().toISOString();
      const t0 = performance.now();
      changed();
      try {
        s.message = await steps[s.name](s);
        s.status = 'passed';
      } catch (err) {
        s.status =
          err instanceof Stop && err.status !== 'failed' && err.status !== 'rejected'
            ? err.status === 'cancelled'
              ? 'cancelled'
              : 'passed'
            : 'failed';
        s.message = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        s.durationMs = Math.round(performance.now() - t0);
      }
    }
    cycle.status = 'succeeded';
    cycle.outcome = outcomeOf(policy, cycle);
  } catch (err) {
    const stop =
      err instanceof Stop
        ? err
        : signal.aborted
          ? new Stop('cancelled', `cancelled during ${cycle.step}`)
          : new Stop('failed', `${cycle.step} failed: ${(err as Error).message}`);
    if (stop.status === 'cancelled') {
      const open = cycle.steps.find((x) => x.name === cycle.step);
      if (open) open.status = 'cancelled';
    }
    for (const s of cycle.steps) if (s.status === 'pending') s.status = 'skipped';
    cycle.status = stop.status;
    cycle.outcome =
      stop.status === 'unchanged'
        ? stop.message
        : `${stop.message}${policy.promote ? `; ${policy.promote} and deployments untouched` : ''}`;
  }
  cycle.endedAt = new Date().toISOString();
  changed();
  return cycle;
}

function outcomeOf(policy: CtPolicy, cycle: CtCycle): string {
  const v = cycle.model ? `${cycle.model}@${cycle.version}` : 'the pipeline';
  if (policy.deploy.length) return `${v} promoted and serving on ${policy.deploy.join(', ')}`;
  if (policy.promote) return `${v} is now ${policy.promote}`;
  return `${v} trained`;
}

function triggeredDatasets(policy: CtPolicy, triggers: CtTrigger[]): string[] {
  const named = triggers.filter((t) => t.kind === 'dataset').map((t) => t.detail.split('@')[0]);
  return [...new Set(named.length ? named : policy.datasets)];
}

function aliasTarget(project: Project, artifact: string, alias: string): number | null {
  return (
    (project.db
      .prepare(
        `SELECT v.number FROM aliases al JOIN artifacts a ON a.id = al.artifact_id
         JOIN versions v ON v.id = al.version_id WHERE a.name = ? AND al.name = ?`,
      )
      .pluck()
      .get(artifact, alias) as number | undefined) ?? null
  );
}

function versionRun(project: Project, artifact: string, version: number): string | null {
  return (
    (project.db
      .prepare(
        `SELECT v.run_id FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ? AND v.number = ?`,
      )
      .pluck()
      .get(artifact, version) as string | null | undefined) ?? null
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
