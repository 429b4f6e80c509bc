import { shownStatus, type RunSummary, type StageStatus } from '../../../shared/api/runs.js';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject, type CliApi } from '../api.js';
import { runDuration, stageLine } from '../format/runs.js';

/**
 * Resolves with the run's last summary once it has ended, saying each stage that starts, is skipped
 * or is queued on a SLURM cluster as the engine's run.update events report it.
 */
function followRun(
  api: CliApi,
  onStage: (stage: string, status: StageStatus | 'queued', reason: string) => void,
): { runId: (id: string) => void; ended: Promise<RunSummary & { removed?: string }> } {
  let id: string | null = null;
  const early: RunSummary[] = [];
  const removed = new Map<string, string>();
  const seen = new Map<string, StageStatus | 'queued'>();
  let resolve!: (run: RunSummary & { removed?: string }) => void;
  const ended = new Promise<RunSummary & { removed?: string }>((r) => (resolve = r));
  const take = (run: RunSummary) => {
    if (removed.has(run.id)) return resolve({ ...run, removed: removed.get(run.id) });
    // The final summary may skip stages the run never reached; the runner said nothing of those.
    if (run.status !== 'running') return resolve(run);
    for (const s of run.stages) {
      const shown = shownStatus(s);
      if (seen.get(s.stage) === shown) continue;
      seen.set(s.stage, shown);
      if (shown === 'running' || shown === 'skipped' || shown === 'queued') onStage(s.stage, shown, s.reason);
    }
  };
  const off = api.on('run.update', (run) => {
    if (id === null) early.push(run);
    else if (run.id === id) take(run);
  });
  // A run that found everything up to date is dropped: its last state comes with the reason.
  const offRemoved = api.on('run.removed', ({ run, reason }) => {
    removed.set(run.id, reason);
    if (id === null) early.push(run);
    else if (run.id === id) take(run);
  });
  void ended.then(() => {
    off();
    offRemoved();
  });
  return {
    runId: (given) => {
      id = given;
      for (const run of early.splice(0)) if (run.id === id) take(run);
    },
    ended,
  };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline (or some stages and what they need), skipping what is up to date',
  usage: 'strata run [stage…] [--force] [--dry] [--json]',
  description:
    'Each stage says why it runs or is skipped. Ctrl+C cancels the run and stops every process it started.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    force: { type: 'boolean', help: 'run the stages even when they are up to date' },
    dry: { type: 'boolean', help: 'only say what would run and why' },
    name: { type: 'string', help: 'a name for the run' },
  },
  async run(args, io) {
    return withProject(args.flags, async (api) => {
      const stages = args.positional;
      const force = args.flags.force === true;
      if (args.flags.dry) {
        const { plan } = await api.call('pipelines.run', { stages, force, dry: true });
        if (args.flags.json) printJson(io, plan);
        else
          for (const p of plan) {
            io.out(
              `${p.stage.padEnd(16)} ${p.frozen ? 'frozen    ' : p.run ? 'would run ' : 'up to date'}  ${p.reason}`,
            );
            const desc = p.desc?.split('\n').find((l) => l.trim());
            if (desc) io.out(`${''.padEnd(16)} ${desc.trim()}`);
            if (p.slurm) io.out(`${''.padEnd(16)} on SLURM: sbatch ${p.slurm.join(' ')}`.trimEnd());
          }
        return 0;
      }
      const quiet = args.flags.json === true;
      const offLog = quiet
        ? () => undefined
        : api.on('run.log', (e) => {
            if (e.stream === 'stdout') process.stdout.write(e.text);
            else if (e.stream === 'stderr') process.stderr.write(e.text);
          });
      const follow = followRun(api, (stage, status, reason) => {
        if (!quiet) io.err(`── ${stage}: ${status} (${reason})`);
      });
      let runId: string | null = null;
      let cancelled = false;
      const cancel = () => void api.call('runs.cancel', { id: runId! }).catch(() => undefined);
      const onSigint = () => {
        io.err('strata run: cancelling (stopping the running step and everything it started)…');
        cancelled = true;
        if (runId) cancel();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        runId = (
          await api.call('pipelines.run', { stages, force, name: args.flags.name as string | undefined })
        ).runId!;
        follow.runId(runId);
        if (cancelled) cancel();
        if (!quiet) io.err(`run ${runId} started`);
        const run = await follow.ended;
        if (run.removed) {
          if (quiet) printJson(io, { upToDate: true, reason: run.removed, stages: run.stages });
          else {
            io.err(`up to date: ${run.removed}`);
            for (const s of run.stages) io.err(stageLine(s));
          }
          return 0;
        }
        if (quiet) printJson(io, run);
        else {
          io.err(`run ${run.id} ${run.status} in ${runDuration(run)}`);
          for (const s of run.stages) io.err(stageLine(s));
        }
        return run.status === 'done' ? 0 : run.status === 'cancelled' ? 130 : 1;
      } finally {
        offLog();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
  },
};
