import path from 'node:path';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { withEngine } from '../api.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a Strata project (strata.yaml and .strata/) in a folder',
  usage: 'strata init [dir] [--json]',
  description: 'Creates the folder if needed. Safe to run twice: an existing project is left as it is.',
  flags: { ...jsonFlag },
  async run(args, io) {
    return withEngine(async (api) => {
      const summary = await api.call('project.init', { path: path.resolve(args.positional[0] ?? '.') });
      if (args.flags.json) printJson(io, summary);
      else io.out(`Initialised Strata project "${summary.name}" in ${summary.root}`);
      return 0;
    });
  },
};
