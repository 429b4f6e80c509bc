import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { checkout } from '../../core/store/checkout.js';
import { projectFlag, withProject } from '../../core/store/cli-project.js';
import { requireArtifact } from '../../core/store/repo.js';
import { parseSpec } from '../../../shared/version-spec.js';

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
    return withProject(args.flags, async (project) => {
      const v = await checkout(project, artifact, ref, { force: Boolean(args.flags.force) });
      if (args.flags.json) printJson(io, v);
      else io.out(`checked out ${artifact}@${v.number} into ${requireArtifact(project, artifact).path}`);
      return 0;
    });
  },
};
