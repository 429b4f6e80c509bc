import path from 'node:path';
import type { MlflowImportReport } from '../../../shared/api/imports.js';
import { UsageError } from '../args.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../api.js';

function printReport(io: Io, r: MlflowImportReport): void {
  io.out(
    `imported ${r.runs.length} run${r.runs.length === 1 ? '' : 's'} from ${r.folder} (${r.created} new, ${r.updated} updated; experiments: ${r.experiments.join(', ') || 'none'})`,
  );
  io.out(
    `${r.params} params, ${r.tags} tags, ${r.points} metric points, ${r.artifactVersions} artifact version${r.artifactVersions === 1 ? '' : 's'}`,
  );
  if (r.deletedSkipped)
    io.out(`${r.deletedSkipped} deleted run${r.deletedSkipped === 1 ? '' : 's'} left out`);
  for (const m of r.models) {
    const versions = m.versions.map((v) => `${v.mlflow}→@${v.version}`).join(', ');
    const aliases = m.aliases.map((a) => `${a.alias}→@${a.version}`).join(', ');
    io.out(`model ${m.name}: versions ${versions || 'none'}${aliases ? `; aliases ${aliases}` : ''}`);
  }
  if (r.problems.length) {
    io.out(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} (the rest was imported):`);
    for (const p of r.problems) io.out(`  ${p.path}: ${p.message}`);
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import history from another tool: strata import mlflow <mlruns folder>',
  usage: 'strata import mlflow <mlruns folder> [--experiment <name>] [--json]',
  description:
    "Experiments, runs (name, status, times, user, source, git commit), params, tags, every metric point, artifacts (versioned as the run's output) and the model registry's versions and aliases, from MLflow's file store. Importing again updates the same runs. Exit 0: all imported; 1: some files could not be read (each named, the rest imported).",
  flags: {
    ...projectFlag,
    ...jsonFlag,
    experiment: { type: 'string', help: 'only the experiment with this name (or id)' },
  },
  async run(args, io) {
    if (args.positional[0] !== 'mlflow' || args.positional.length !== 2)
      throw new UsageError('strata import takes mlflow and an mlruns folder: strata import mlflow ./mlruns');
    const folder = path.resolve(args.positional[1]);
    const experiment = args.flags.experiment as string | undefined;
    return withProject(args.flags, async (api) => {
      const started = await api.call('import.mlflow', { folder, ...(experiment ? { experiment } : {}) });
      const cancel = () => {
        io.err('strata import: cancelling…');
        void api.call('jobs.cancel', { id: started.jobId }).catch(() => undefined);
      };
      process.on('SIGINT', cancel);
      try {
        const r = await api.job<MlflowImportReport>(started);
        if (args.flags.json) printJson(io, r);
        else printReport(io, r);
        return r.problems.length ? 1 : 0;
      } finally {
        process.off('SIGINT', cancel);
      }
    });
  },
};
