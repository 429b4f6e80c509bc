import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { importedLine, versionLine } from '../format/versions.js';

export const versionsCommand: Command = {
  name: 'versions',
  summary: "list an artifact's versions, newest first",
  usage: 'strata versions <artifact> [--json]',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    const name = args.positional[0];
    if (!name || args.positional.length > 1) throw new UsageError('strata versions takes one artifact name');
    return withProject(args.flags, async (api) => {
      const history = await api.call('artifacts.versions', { artifact: name });
      const imports = await api.call('bundle.imports', { artifact: name });
      if (args.flags.json) printJson(io, { ...history, imports });
      else {
        io.out(`${history.artifact}  (${history.kind}, ${history.path})`);
        if (history.versions.length === 0) io.out('  no versions yet');
        for (const v of history.versions) {
          io.out(versionLine(v));
          const imported = imports.find((r) => r.version === v.number);
          if (imported) io.out(`        ${importedLine(imported)}`);
        }
        if (history.aliasHistory.length) io.out('alias history:');
        for (const h of history.aliasHistory)
          io.out(
            `  ${h.at}  ${h.alias}: ${h.previous === null ? 'set to' : `@${h.previous} ->`} @${h.version}`,
          );
      }
      return 0;
    });
  },
};
