import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../../core/store/cli-project.js';
import { versionLine } from '../../core/store/format.js';
import { aliasHistory, listVersions, requireArtifact } from '../../core/store/repo.js';

export const versionsCommand: Command = {
  name: 'versions',
  summary: "list an artifact's versions, newest first",
  usage: 'strata versions <artifact> [--json]',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    const name = args.positional[0];
    if (!name || args.positional.length > 1) throw new UsageError('strata versions takes one artifact name');
    return withProject(args.flags, async (project) => {
      const artifact = requireArtifact(project, name);
      const versions = listVersions(project, artifact.id);
      const aliases = aliasHistory(project, artifact.id);
      if (args.flags.json)
        printJson(io, {
          artifact: artifact.name,
          path: artifact.path,
          kind: artifact.kind,
          versions,
          aliasHistory: aliases,
        });
      else {
        io.out(`${artifact.name}  (${artifact.kind}, ${artifact.path})`);
        if (versions.length === 0) io.out('  no versions yet');
        for (const v of versions) io.out(versionLine(v));
        if (aliases.length) io.out('alias history:');
        for (const h of aliases)
          io.out(
            `  ${h.at}  ${h.alias}: ${h.previous === null ? 'set to' : `@${h.previous} ->`} @${h.version}`,
          );
      }
      return 0;
    });
  },
};
