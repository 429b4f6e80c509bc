import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { RemoteCheckout } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import { formatBytes } from '../../../shared/format.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { askYesNo } from '../ask.js';
import { followTransfer } from '../follow-transfer.js';

export const checkoutCommand: Command = {
  name: 'checkout',
  summary: "put a version's files into the workspace",
  usage: 'strata checkout <artifact>@<ref> [--force] [--pull] [--remote NAME] [--json]',
  description:
    'Files are copied out of the store (never hard-linked). Changes that are in no version are kept safe: checkout refuses unless --force. A version (or contents) only on a remote is named with the remote; --pull pulls it and checks out (on a terminal, checkout asks).',
  flags: {
    force: { type: 'boolean', help: 'discard local changes that are in no version' },
    pull: { type: 'boolean', help: 'pull what is only on a remote, then check out' },
    remote: { type: 'string', help: 'the remote to look on (default: every remote, the default one first)' },
    ...projectFlag,
    ...jsonFlag,
  },
  async run(args, io) {
    if (args.positional.length !== 1) throw new UsageError('strata checkout takes one <artifact>@<ref>');
    const { artifact, ref } = parseSpec(args.positional[0]);
    const json = Boolean(args.flags.json);
    return withProject(args.flags, async (api) => {
      const params = {
        artifact,
        ref,
        force: Boolean(args.flags.force),
        pull: Boolean(args.flags.pull),
        remote: args.flags.remote as string | undefined,
      };
      let started: { jobId: string };
      try {
        started = await api.call('artifacts.checkout', params);
      } catch (err) {
        if (!(err instanceof StrataError && err.code === 'ON_REMOTE')) throw err;
        const plan = err.details as RemoteCheckout;
        const yes = json
          ? null
          : await askYesNo(
              `${err.message}. Pull ${plan.contents ? `${formatBytes(plan.bytes)} ` : ''}from "${plan.remote}" and check out?`,
            );
        if (yes === null)
          throw new StrataError('ON_REMOTE', `${err.message}; pass --pull to pull it and check out`, {
            details: plan,
          });
        if (!yes) return 1;
        started = await api.call('artifacts.checkout', { ...params, pull: true, remote: plan.remote });
      }
      const end = await followTransfer<VersionInfo>(api, started, io, {
        command: 'checkout',
        verb: 'received',
        quiet: json,
      });
      if ('cancelled' in end) {
        io.err('strata checkout: cancelled; run it again to finish');
        return 130;
      }
      const v = end.result;
      if (json) printJson(io, v);
      else {
        const { path } = await api.call('artifacts.versions', { artifact });
        io.out(`checked out ${artifact}@${v.number} into ${path}`);
      }
      return 0;
    });
  },
};
