import path from 'node:path';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { recordVersion } from '../../core/store/api.js';
import { projectFlag, withProject } from '../../core/store/cli-project.js';
import { declareArtifact } from '../../core/store/declare.js';
import { resolveInProject } from '../../core/store/paths.js';
import { findArtifact } from '../../core/store/repo.js';

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
    const kind = args.flags.kind as string | undefined;
    if (kind !== undefined && !(KINDS as readonly string[]).includes(kind))
      throw new UsageError(`--kind must be dataset, model or other, not "${kind}"`);
    return withProject(args.flags, async (project) => {
      const { rel } = resolveInProject(project.root, target);
      const name = args.flags.name as string | undefined;
      const known = name ? findArtifact(project, name) : undefined;
      const v = await recordVersion(project, {
        path: rel,
        name,
        kind: (kind ?? known?.kind ?? 'dataset') as (typeof KINDS)[number],
        message: args.flags.message as string | undefined,
        source: 'manual',
      });
      const artifact = findArtifact(project, v.artifact)!;
      const declared = declareArtifact(project, artifact.name, artifact.path, artifact.kind);
      if (args.flags.json) printJson(io, { ...v, declared });
      else {
        io.out(
          v.created
            ? `${v.artifact}@${v.version}  ${v.rootHash.slice(0, 12)}  recorded`
            : `${v.artifact}@${v.version}  ${v.rootHash.slice(0, 12)}  unchanged`,
        );
        if (declared) io.out(`declared ${v.artifact} in strata.yaml`);
        for (const f of v.skipped)
          io.out(`skipped ${path.posix.join(rel, f.path)} (a ${f.kind}, not a regular file)`);
      }
      return 0;
    });
  },
};
