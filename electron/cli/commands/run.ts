import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../../core/store/cli-project.js';
import { planPipeline } from '../../core/pipeline/plan.js';
import { startRun } from '../../core/pipeline/runner.js';
import { runDuration, stageLine } from '../format/runs.js';

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
    return withProject(args.flags, async (project) => {
      const stages = args.positional;
      const force = args.flags.force === true;
      if (args.flags.dry) {
        const plan = await planPipeline(project, { stages, force });
        if (args.flags.json) printJson(io, plan);
        else
          for (const p of plan)
            io.out(`${p.stage.padEnd(16)} ${p.run ? 'would run ' : 'up to date'}  ${p.reason}`);
        return 0;
      }
      const controller = new AbortController();
      const onSigint = () => {
        io.err('strata run: cancelling (stopping the running step and everything it started)…');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const quiet = args.flags.json === true;
        const { runId, done } = startRun(project, {
          stages,
          force,
          name: args.flags.name as string | undefined,
          signal: controller.signal,
          events: quiet
            ? {}
            : {
                onStage: (stage, status, reason) => {
                  if (status === 'running') io.err(`── ${stage}: running (${reason})`);
                  else if (status === 'skipped') io.err(`── ${stage}: skipped (${reason})`);
                },
                onLog: (e) => {
                  if (e.stream === 'stdout') process.stdout.write(e.text);
                  else if (e.stream === 'stderr') process.stderr.write(e.text);
                },
              },
        });
        if (!quiet) io.err(`run ${runId} started`);
        const run = await done;
        if (quiet) printJson(io, run);
        else {
          io.err(`run ${run.id} ${run.status} in ${runDuration(run)}`);
          for (const s of run.stages) io.err(stageLine(s));
        }
        return run.status === 'done' ? 0 : run.status === 'cancelled' ? 130 : 1;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
  },
};
