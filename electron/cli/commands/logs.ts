import type { Command } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: "print a run's stored output",
  usage: 'strata logs <run> [stage]',
  description: 'The run may be given by a unique prefix of its id, or by its name.',
  flags: { ...projectFlag },
  async run(args) {
    const [given, stage, ...extra] = args.positional;
    if (!given || extra.length) throw new UsageError('strata logs takes <run> and optionally one stage');
    return withProject(args.flags, async (api) => {
      const run = await api.call('runs.get', { id: given });
      const id = run.id;
      if (stage && !run.stages.some((s) => s.stage === stage)) {
        throw new UsageError(`run ${id} has no stage "${stage}"`);
      }
      let after = 0;
      for (;;) {
        const page = await api.call('runs.logs', { id, stage, after, limit: 5000 });
        for (const l of page.lines) (l.stream === 'stderr' ? process.stderr : process.stdout).write(l.text);
        if (page.lines.length < 5000) break;
        after = page.next;
      }
      return 0;
    });
  },
};
