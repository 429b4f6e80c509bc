import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { formatBytes } from '../format/versions.js';

export const gcCommand: Command = {
  name: 'gc',
  summary: 'remove stored contents that no version references (a dry run unless --yes)',
  usage: 'strata gc [--yes] [--grace-minutes N] [--json]',
  description:
    'Objects younger than the grace period (default 10 minutes) are kept: another process may be adding them.',
  flags: {
    yes: { type: 'boolean', help: 'really delete' },
    'grace-minutes': { type: 'string', help: 'keep unreferenced objects younger than this (default 10)' },
    ...projectFlag,
    ...jsonFlag,
  },
  async run(args, io) {
    const grace = Number(args.flags['grace-minutes'] ?? 10);
    if (!Number.isFinite(grace) || grace < 0)
      throw new UsageError(
        `--grace-minutes must be a number of minutes, not ${String(args.flags['grace-minutes'])}`,
      );
    return withProject(args.flags, async (api) => {
      const r = await api.call('artifacts.gc', { apply: Boolean(args.flags.yes), graceMinutes: grace });
      if (args.flags.json) printJson(io, r);
      else {
        io.out(
          `${r.applied ? 'removed' : 'would remove'} ${r.unreferenced} unreferenced objects (${formatBytes(r.bytes)})${r.young ? `; kept ${r.young} younger than ${grace} minutes` : ''}`,
        );
        if (!r.applied && r.unreferenced) io.out('run `strata gc --yes` to delete them');
      }
      return 0;
    });
  },
};
