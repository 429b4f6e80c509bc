import type { Reproduction } from '../../../shared/api/review.js';
import { UsageError } from '../args.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../api.js';

const VERDICT: Record<string, string> = {
  exact: 'reproduced exactly',
  'within-tolerance': 'reproduced within tolerance',
  'not-reproduced': 'NOT reproduced',
};

/** "acc=0.01" lines (one per --tolerance) → { acc: "0.01" }; the contract checks each value. */
export function parseTolerances(given: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (given ?? '').split('\n').filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(
        `--tolerance ${item}: write <metric>=<number> or <metric>=<percent>%, e.g. loss=1e-6 or acc=0.5%`,
      );
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function printReproduction(io: Io, r: Reproduction): void {
  io.out(
    `${r.verdict ? VERDICT[r.verdict] : r.status}${r.status === 'refused' ? ' (refused)' : ''}: run ${r.runId}${r.reproRunId ? ` reproduced as run ${r.reproRunId}` : ''}`,
  );
  if (r.error) io.out(`error: ${r.error}`);
  for (const l of r.limits) io.out(`limit${l.fatal ? ' (fatal)' : ''}: ${l.message}`);
  for (const d of r.differences)
    io.out(
      `  [${d.category}] ${d.subject}: ${d.original ?? '–'} → ${d.reproduced ?? '–'}${d.note ? `  (${d.note})` : ''}`,
    );
  const same = r.outputs.filter((o) => o.equal).length;
  if (r.outputs.length) io.out(`outputs: ${same} of ${r.outputs.length} identical`);
  if (r.metrics.length)
    io.out(
      `metrics: ${r.metrics.filter((m) => m.result === 'equal').length} equal, ${r.metrics.filter((m) => m.result === 'within').length} within tolerance, ${r.metrics.filter((m) => m.result === 'outside' || m.result === 'missing').length} outside`,
    );
  for (const s of r.suggestions) io.out(`suggestion: ${s}`);
  if (r.setupMs !== null) io.out(`setup ${(r.setupMs / 1000).toFixed(2)} s`);
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run a run again from its record (code, data, params) and say whether it reproduces',
  usage: 'strata reproduce <run>|<artifact>@<version> [--tolerance <metric>=<abs|rel%>]… [--json]',
  description:
    'The recorded commit is checked out in a scratch git worktree, the stored uncommitted change and untracked files put back, the recorded data versions checked out from the store; every recorded stage runs again. Exit 0: reproduced exactly or within tolerance; 1: not reproduced or refused. Ctrl+C cancels.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    tolerance: {
      type: 'string',
      repeat: true,
      help: 'a metric tolerance, absolute (loss=1e-6) or relative (acc=0.5%); may be repeated',
    },
  },
  async run(args, io) {
    if (args.positional.length !== 1)
      throw new UsageError('strata reproduce takes one run (id, prefix or name) or <artifact>@<version>');
    const tolerances = parseTolerances(args.flags.tolerance as string | undefined);
    return withProject(args.flags, async (api) => {
      const started = await api.call('reproduce.start', { run: args.positional[0], tolerances });
      const cancel = () => {
        io.err('strata reproduce: cancelling…');
        void api.call('jobs.cancel', { id: started.jobId }).catch(() => undefined);
      };
      process.on('SIGINT', cancel);
      const off = args.flags.json
        ? () => undefined
        : api.on('run.update', (run) => {
            const s = run.stages.find((x) => x.status === 'running');
            if (s) io.err(`── ${s.stage}: running`);
          });
      try {
        const r = await api.job<Reproduction>(started);
        if (args.flags.json) printJson(io, r);
        else printReproduction(io, r);
        return r.verdict === 'exact' || r.verdict === 'within-tolerance' ? 0 : 1;
      } finally {
        off();
        process.off('SIGINT', cancel);
      }
    });
  },
};
