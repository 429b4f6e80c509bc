import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'stop a running run and every process it started',
  usage: 'strata cancel <run> [--json]',
  description:
    'Works across processes: the run may have been started by the app, `strata ui` or another terminal.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    wait: { type: 'string', help: 'seconds to wait for the run to stop (default 30)' },
  },
  async run(args, io) {
    const [given, ...extra] = args.positional;
    if (!given || extra.length) throw new UsageError('strata cancel takes one <run>');
    const wait = args.flags.wait === undefined ? 30 : Number(args.flags.wait);
    if (!Number.isFinite(wait) || wait < 0) throw new UsageError('--wait takes a number of seconds');
    return withProject(args.flags, async (api) => {
      const run = await api.call('runs.cancel', { id: given, waitMs: Math.round(wait * 1000) });
      const id = run.id;
      if (args.flags.json) printJson(io, run);
      else
        io.out(
          run.status === 'running'
            ? `run ${id}: cancel requested; it has not stopped yet`
            : `run ${id}: ${run.status}`,
        );
      return run.status === 'running' ? 1 : 0;
    });
  },
};
