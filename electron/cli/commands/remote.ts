import type { TransferReport } from '../../../shared/api/remotes.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { reportLine, statusLines } from '../format/transfer.js';
import { followTransfer } from '../follow-transfer.js';

const transferFlags = {
  all: { type: 'boolean', help: 'every version' },
  remote: { type: 'string', help: 'the remote to use (default: the only one, or origin)' },
  ...projectFlag,
  ...jsonFlag,
} as const;

async function transfer(
  call: 'remotes.push' | 'remotes.pull',
  verb: 'push' | 'pull',
  args: ParsedArgs,
  io: Io,
): Promise<number> {
  if (args.positional.length === 0 && !args.flags.all)
    throw new UsageError(`strata ${verb} takes <artifact>@<version>… or --all`);
  return withProject(args.flags, async (api) => {
    const started = await api.call(call, {
      remote: args.flags.remote as string | undefined,
      versions: args.positional,
      all: Boolean(args.flags.all),
    });
    const end = await followTransfer<TransferReport>(api, started, io, {
      command: verb,
      verb: verb === 'push' ? 'sent' : 'received',
      quiet: Boolean(args.flags.json),
    });
    if ('cancelled' in end) {
      io.err(`strata ${verb}: cancelled; run it again to resume`);
      return 130;
    }
    if (args.flags.json) printJson(io, end.result);
    else io.out(reportLine(verb === 'push' ? 'pushed' : 'pulled', end.result));
    return 0;
  });
}

export const pushCommand: Command = {
  name: 'push',
  summary: 'send versions and the contents the remote lacks to a remote',
  usage: 'strata push [<artifact>@<version>…|--all] [--remote NAME] [--json]',
  description:
    'Remotes are declared under remotes: in strata.yaml (docs/remotes.md). An interrupted push is resumed by running it again; Ctrl-C cancels (exit 130).',
  flags: transferFlags,
  run: (args, io) => transfer('remotes.push', 'push', args, io),
};

export const pullCommand: Command = {
  name: 'pull',
  summary: 'fetch versions and the contents this store lacks from a remote',
  usage: 'strata pull [<artifact>@<version>…|--all] [--remote NAME] [--json]',
  description:
    'Every content is checked against its hash before it enters the store. Ctrl-C cancels (exit 130) and keeps nothing half-written.',
  flags: transferFlags,
  run: (args, io) => transfer('remotes.pull', 'pull', args, io),
};

export const remoteCommand: Command = {
  name: 'remote',
  summary: 'the remotes of strata.yaml and which versions each side has',
  usage: 'strata remote status [NAME] [--json]',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    const [sub, name, ...rest] = args.positional;
    if (sub !== 'status' || rest.length) throw new UsageError('usage: strata remote status [NAME]');
    return withProject(args.flags, async (api) => {
      const all = await api.call('remotes.status', { remote: name });
      if (args.flags.json) printJson(io, all);
      else if (all.length === 0) io.out('no remotes in strata.yaml (see docs/remotes.md)');
      else for (const s of all) for (const line of statusLines(s)) io.out(line);
      // A remote that cannot be read fails the command, for scripts and CI.
      return all.some((s) => s.error) ? 1 : 0;
    });
  },
};
