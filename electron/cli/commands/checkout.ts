import type { VersionInfo } from '../../../shared/api/artifacts.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

export const checkoutCommand: Command = {
  name: 'checkout',
  summary: "put a version's files into the workspace",
  usage: 'strata checkout <artifact>@<ref> [--force] [--json]',
  description:
    'Files are copied out of the store (never hard-linked). Changes that are in no version are kept safe: checkout refuses unless --force.',
  flags: {
    force: { type: 'boolean', help: 'discard local changes that are in no version' },
    ...projectFlag,
    ...jsonFlag,
  },
  async run(args, io) {
    if (args.positional.length !== 1) throw new UsageError('strata checkout takes one <artifact>@<ref>');
    const { artifact, ref } = parseSpec(args.positional[0]);
    return withProject(args.flags, async (api) => {
      const started = await api.call('artifacts.checkout', {
        artifact,
        ref,
        force: Boolean(args.flags.force),
      });
      const v = await api.job<VersionInfo>(started);
      if (args.flags.json) printJson(io, v);
      else {
        const { path } = await api.call('artifacts.versions', { artifact });
        io.out(`checked out ${artifact}@${v.number} into ${path}`);
      }
      return 0;
    });
  },
};
