import type { JobInfo } from '../../../shared/api/jobs.js';
import type { TransferReport } from '../../../shared/api/remotes.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { progressLine, reportLine, statusLines } from '../format/transfer.js';

const transferFlags = {
  all: { type: 'boolean', help: 'every version' },
  remote: { type: 'string', help: 'the remote to use (default: the only one, or origin)' },
  ...projectFlag,
  ...jsonFlag,
} as const;

/** Progress on stderr about once a second, so a long transfer shows it is alive without flooding a log. */
async function transfer(
  call: 'remotes.push' | 'remotes.pull',
  verb: string,
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
    let last = 0;
    const off = args.flags.json
      ? () => undefined
      : api.on('job.update', (job: JobInfo) => {
          if (job.id !== started.jobId || job.state !== 'running' || Date.now() - last < 1000) return;
          last = Date.now();
          io.err(progressLine(verb === 'push' ? 'sent' : 'received', job));
        });
    try {
      const r = await api.job<TransferReport>(started);
      if (args.flags.json) printJson(io, r);
      else io.out(reportLine(verb === 'push' ? 'pushed' : 'pulled', r));
      return 0;
    } finally {
      off();
    }
  });
}

export const pushCommand: Command = {
  name: 'push',
  summary: 'send versions and the contents the remote lacks to a remote',
  usage: 'strata push [<artifact>@<version>…|--all] [--remote NAME] [--json]',
  description:
    'Remotes are declared under remotes: in strata.yaml (docs/remotes.md). An interrupted push is resumed by running it again.',
  flags: transferFlags,
  run: (args, io) => transfer('remotes.push', 'push', args, io),
};

export const pullCommand: Command = {
  name: 'pull',
  summary: 'fetch versions and the contents this store lacks from a remote',
  usage: 'strata pull [<artifact>@<version>…|--all] [--remote NAME] [--json]',
  description: 'Every content is checked against its hash before it enters the store.',
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
