import fs from 'node:fs';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../api.js';
import { formatError, StrataError, toErrorData } from '../../../shared/errors.js';
import { junitXml } from '../format/junit.js';

export const gatesCommand: Command = {
  name: 'gates',
  summary: 'judge a model version by its gates in strata.yaml (thresholds and change against the champion)',
  usage: 'strata gates <model>@<ref> [--json] [--junit <file>]',
  description:
    'Exit 0: every gate passes (or none is set); 1: a gate fails; 2: the version cannot be judged.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    junit: { type: 'string', help: 'also write the results as JUnit XML, for CI' },
  },
  async run(args, io) {
    if (args.positional.length !== 1)
      throw new StrataError('BAD_REQUEST', 'strata gates takes one <model>@<ref>, e.g. model@7');
    try {
      return await withProject(args.flags, async (api) => {
        const r = await api.call('gates.check', { target: args.positional[0] });
        const junit = args.flags.junit as string | undefined;
        if (junit)
          fs.writeFileSync(
            junit,
            junitXml(
              'strata gates',
              r.gates.map((g) => ({
                suite: `${r.artifact}@${r.version}`,
                classname: `${r.artifact}.gates`,
                check: {
                  label: g.label,
                  status: g.status,
                  message: g.message,
                  severity: 'error' as const,
                  samples: [],
                },
              })),
            ),
          );
        if (args.flags.json) printJson(io, r);
        else {
          const champion = r.champion === null ? 'no champion yet' : `champion is version ${r.champion}`;
          io.out(
            `${r.artifact}@${r.version}  ${r.status === 'none' ? 'NO GATES' : r.status.toUpperCase()}  (${champion})`,
          );
          for (const g of r.gates)
            io.out(
              `  ${g.status === 'pass' ? 'ok  ' : g.status === 'skipped' ? 'skip' : 'FAIL'}  ${g.label}: ${g.message}`,
            );
          for (const o of r.overrides)
            io.out(`  overridden to ${o.alias} by ${o.who} at ${o.at}: ${o.reason}`);
        }
        return r.status === 'error' ? 2 : r.status === 'fail' ? 1 : 0;
      });
    } catch (err) {
      const data = toErrorData(err);
      if (data.code === 'INTERNAL') throw err;
      io.err(`strata gates: ${formatError(data)}`);
      return 2;
    }
  },
};
