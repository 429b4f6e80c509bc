import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../../core/store/cli-project.js';
import { parseSpec, setAlias } from '../../core/store/repo.js';

export const tagCommand: Command = {
  name: 'tag',
  summary: 'point an alias (champion, prod…) at a version',
  usage: 'strata tag <artifact>@<ref> <alias> [--json]',
  description: 'An alias names one version at a time; moving it keeps its history.',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    if (args.positional.length !== 2)
      throw new UsageError(
        'strata tag takes <artifact>@<ref> and an alias, e.g. strata tag model@7 champion',
      );
    const { artifact, ref } = parseSpec(args.positional[0]);
    return withProject(args.flags, async (project) => {
      const v = setAlias(project, artifact, ref, args.positional[1]);
      if (args.flags.json) printJson(io, v);
      else io.out(`${artifact}@${args.positional[1]} -> ${artifact}@${v.number}`);
      return 0;
    });
  },
};
