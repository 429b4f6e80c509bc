import path from 'node:path';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { withEngine } from '../api.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show what a project holds',
  usage: 'strata status [dir] [--json]',
  flags: { ...jsonFlag },
  async run(args, io) {
    return withEngine(async (api) => {
      await api.call('project.open', { path: path.resolve(args.positional[0] ?? '.') });
      const status = await api.call('project.status', {});
      if (args.flags.json) {
        printJson(io, status);
        return 0;
      }
      io.out(`${status.name}  (${status.root})`);
      io.out(
        `  config:    ${status.config.source}, ${status.config.artifacts} artifacts, ${status.config.stages} stages`,
      );
      io.out(
        `  database:  ${status.dbPath} (${status.schemaMigrations} migrations, journal ${status.journalMode})`,
      );
      io.out(`  objects:   ${status.objects.count} (${status.objects.bytes} bytes)`);
      return 0;
    });
  },
};
