import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { parseSpec } from '../../../shared/version-spec.js';

export const tagCommand: Command = {
  name: 'tag',
  summary: 'point an alias (champion, prod…) at a version',
  usage: 'strata tag <artifact>@<ref> <alias> [--override "<reason>"] [--json]',
  description:
    'An alias names one version at a time; moving it keeps its history. A version that fails its gates cannot become champion unless --override gives a reason, which is recorded.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    override: {
      type: 'string',
      help: 'promote to champion despite failing gates, for this reason (recorded)',
    },
  },
  async run(args, io) {
    if (args.positional.length !== 2)
      throw new UsageError(
        'strata tag takes <artifact>@<ref> and an alias, e.g. strata tag model@7 champion',
      );
    const { artifact, ref } = parseSpec(args.positional[0]);
    const alias = args.positional[1];
    return withProject(args.flags, async (api) => {
      const override = args.flags.override as string | undefined;
      const v = await api.call('artifacts.tag', { artifact, ref, alias, override });
      if (args.flags.json) printJson(io, v);
      else io.out(`${artifact}@${alias} -> ${artifact}@${v.number}`);
      return 0;
    });
  },
};
