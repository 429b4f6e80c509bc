import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { withEngine } from '../api.js';

export const clientCommand: Command = {
  name: 'client',
  summary: 'say where the Python and Node tracking clients are',
  usage: 'strata client path [python|node] [--json]',
  description:
    'Install the Python client into any environment with `pip install "$(strata client path python)"` (no\n' +
    'dependencies, works offline), then `import strata` in a script or notebook.',
  flags: { ...jsonFlag },
  async run(args, io) {
    const [sub, named] = args.positional;
    if (sub !== 'path' || args.positional.length > 2 || (named && named !== 'python' && named !== 'node'))
      throw new UsageError('strata client takes `path`, optionally followed by python or node');
    const which = named as 'python' | 'node' | undefined;
    return withEngine(async (api) => {
      const paths = await api.call('app.clients', {});
      if (args.flags.json) printJson(io, which ? { [which]: paths[which] } : paths);
      else if (which) io.out(paths[which]);
      else {
        io.out(`python  ${paths.python}    (pip install it, or put it on PYTHONPATH; import strata)`);
        io.out(`node    ${paths.node}    (npm install it, or import ${paths.nodeEntry})`);
      }
      return 0;
    });
  },
};
