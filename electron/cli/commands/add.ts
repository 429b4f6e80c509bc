import path from 'node:path';
import type { AddResult } from '../../../shared/api/artifacts.js';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

const KINDS = ['dataset', 'model', 'other'] as const;

export const addCommand: Command = {
  name: 'add',
  summary: 'record a version of a file or folder (and declare it in strata.yaml)',
  usage: 'strata add <path> [--kind dataset|model|other] [--name N] [-m msg] [--json]',
  description: 'Contents go to .strata/objects/ by hash; an unchanged path gives back its latest version.',
  flags: {
    kind: { type: 'string', help: 'dataset, model or other (default: dataset for a new artifact)' },
    name: { type: 'string', help: 'the artifact name (default: the file or folder name)' },
    message: { type: 'string', short: 'm', help: 'a note kept with the version' },
    ...projectFlag,
    ...jsonFlag,
  },
  async run(args, io) {
    const target = args.positional[0];
    if (!target || args.positional.length > 1) throw new UsageError('strata add takes one path');
    const kind = args.flags.kind as (typeof KINDS)[number] | undefined;
    if (kind !== undefined && !KINDS.includes(kind))
      throw new UsageError(`--kind must be dataset, model or other, not "${kind}"`);
    return withProject(args.flags, async (api) => {
      const v = await api.job<AddResult>(
        await api.call('artifacts.add', {
          path: target,
          kind,
          name: args.flags.name as string | undefined,
          message: args.flags.message as string | undefined,
        }),
      );
      if (args.flags.json) printJson(io, v);
      else {
        io.out(
          v.created
            ? `${v.artifact}@${v.version}  ${v.rootHash.slice(0, 12)}  recorded`
            : `${v.artifact}@${v.version}  ${v.rootHash.slice(0, 12)}  unchanged`,
        );
        if (v.declared) io.out(`declared ${v.artifact} in strata.yaml`);
        if (v.skipped.length) {
          const { path: rel } = await api.call('artifacts.versions', { artifact: v.artifact });
          for (const f of v.skipped)
            io.out(`skipped ${path.posix.join(rel, f.path)} (a ${f.kind}, not a regular file)`);
        }
      }
      return 0;
    });
  },
};
