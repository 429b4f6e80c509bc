import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { RunStatus } from '../../../shared/api/runs.js';
import { projectFlag, withProject } from '../api.js';
import { runLine, runText } from '../format/runs.js';

const STATUSES = ['running', 'done', 'failed', 'cancelled', 'interrupted'];

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list runs, newest first',
  usage: 'strata runs [--status <s>] [--name <text>] [--tag <key[=value]>] [--limit <n>] [--json]',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    status: { type: 'string', help: `only runs with this status (${STATUSES.join(', ')})` },
    name: { type: 'string', help: 'only runs whose name contains this text' },
    tag: { type: 'string', help: 'only runs with this tag (key, or key=value)' },
    limit: { type: 'string', help: 'at most this many runs (default 50)' },
  },
  async run(args, io) {
    const status = args.flags.status as string | undefined;
    if (status !== undefined && !STATUSES.includes(status))
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const limit = args.flags.limit === undefined ? 50 : Number(args.flags.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit takes a positive whole number');
    return withProject(args.flags, async (api) => {
      await api.call('runs.refresh', {});
      const runs = await api.call('runs.list', {
        status: status as RunStatus | undefined,
        name: args.flags.name as string | undefined,
        tag: args.flags.tag as string | undefined,
        limit,
      });
      if (args.flags.json) printJson(io, runs);
      else if (runs.length === 0) io.out('no runs yet (start one with `strata run`)');
      else for (const r of runs) io.out(runLine(r));
      return 0;
    });
  },
};

/** `strata show <run>`: the no-'@' branch of show, kept here beside the other run commands. */
export async function showRun(given: string, args: ParsedArgs, io: Io): Promise<number> {
  return withProject(args.flags, async (api) => {
    await api.call('runs.refresh', {});
    const run = await api.call('runs.get', { id: given });
    if (args.flags.json) printJson(io, run);
    else for (const line of runText(run)) io.out(line);
    return 0;
  });
}
