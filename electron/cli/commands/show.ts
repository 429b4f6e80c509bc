import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { formatBytes, importedLine, importedLineageLines, versionLine } from '../format/versions.js';
import { parseSpec } from '../../../shared/version-spec.js';
import { showRun } from './runs.js';

async function showVersion(spec: string, args: ParsedArgs, io: Io): Promise<number> {
  const { artifact, ref } = parseSpec(spec);
  return withProject(args.flags, async (api) => {
    const { version, entries } = await api.call('artifacts.tree', { artifact, ref });
    const imported =
      (await api.call('bundle.imports', { artifact })).find((r) => r.version === version.number) ?? null;
    if (args.flags.json) {
      printJson(io, { version, entries, imported });
      return 0;
    }
    io.out(`${artifact}@${version.number}`);
    io.out(versionLine(version));
    if (imported) {
      io.out(importedLine(imported));
      for (const line of importedLineageLines(imported)) io.out(line);
    }
    for (const e of entries)
      io.out(
        e.kind === 'd'
          ? `  ${JSON.stringify(e.path + '/')}  (empty folder)`
          : `  ${formatBytes(e.size).padStart(9)}  ${e.hash.slice(0, 12)}  ${JSON.stringify(e.path || '(the file)')}`,
      );
    return 0;
  });
}

export const showCommand: Command = {
  name: 'show',
  summary: 'show a version (its details and files) or a run',
  usage: 'strata show <artifact>@<ref> | <run> [--json]',
  description: 'A ref is a version number, an alias, or latest.',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    const target = args.positional[0];
    if (!target || args.positional.length > 1) throw new UsageError('strata show takes one <artifact>@<ref>');
    if (target.includes('@')) return showVersion(target, args, io);
    return showRun(target, args, io);
  },
};
