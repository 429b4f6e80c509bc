import type { CtCycle, CtStatus } from '../../../shared/api/ct.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject, type CliApi } from '../api.js';

const mark: Record<string, string> = {
  passed: 'ok  ',
  failed: 'FAIL',
  skipped: 'skip',
  cancelled: 'stop',
  running: '... ',
  waiting: 'wait',
  pending: '    ',
};

function printCycle(io: Io, c: CtCycle): void {
  io.out(`cycle ${c.id}  ${c.status.toUpperCase()}  ${c.startedAt}  (${c.trigger}: ${c.reason})`);
  for (const s of c.steps)
    io.out(
      `  ${mark[s.status]}  ${s.name.padEnd(8)} ${s.durationMs === null ? '' : `${(s.durationMs / 1000).toFixed(1)}s  `}${s.message ?? ''}`,
    );
  if (c.outcome) io.out(`  → ${c.outcome}`);
}

function printStatus(io: Io, s: CtStatus): void {
  if (s.error)
    io.out(`policy error: ${s.error.file ?? ''}${s.error.line ? `:${s.error.line}` : ''} ${s.error.message}`);
  else if (!s.policy) io.out('No ct: policy in strata.yaml (see docs/ct.md).');
  else for (const w of s.policy.words) io.out(w);
  io.out(
    `Loop ${s.paused ? 'PAUSED' : 'active'}; ${s.cyclesLastHour} cycles from triggers in the last hour.`,
  );
}

/** Runs the loop until SIGINT/SIGTERM, printing each cycle as it changes. */
async function watch(api: CliApi, io: Io, json: boolean): Promise<number> {
  if (!json) printStatus(io, await api.call('ct.status', {}));
  const off = api.on('ct.cycle', (c) => {
    if (json) io.out(JSON.stringify(c));
    else if (c.status !== 'running' || c.steps.every((s) => s.status === 'pending'))
      io.out(`cycle ${c.id} ${c.status}${c.outcome ? `: ${c.outcome}` : ` (${c.reason})`}`);
    else io.out(`cycle ${c.id}: ${c.step}`);
  });
  if (!json)
    io.out('Watching for triggers; Ctrl-C stops (a running cycle is cancelled, and shows as cancelled).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  off();
  return 0;
}

export const ctCommand: Command = {
  name: 'ct',
  summary: 'continuous training: run the loop, start a cycle, list cycles, approve, pause',
  usage:
    'strata ct watch | run | cycles [--limit N] | approve <cycle> | reject <cycle> | pause | resume | status  [--json]',
  description:
    'The policy is ct: in strata.yaml (docs/ct.md). run exits 0 when the cycle succeeded or found nothing new, 1 when it failed, was rejected or cancelled.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    limit: { type: 'string', help: 'cycles: how many, newest first (default 20)' },
    who: { type: 'string', help: 'run, approve, reject: the person recorded (default: the login name)' },
  },
  async run(args, io) {
    const [sub, id, ...rest] = args.positional;
    const json = !!args.flags.json;
    const who = args.flags.who as string | undefined;
    if (rest.length) throw new UsageError('strata ct takes one subcommand and at most one cycle');
    const cycleId = () => {
      const n = Number(id);
      if (!id || !Number.isInteger(n) || n < 1) throw new UsageError(`strata ct ${sub} needs a cycle number`);
      return n;
    };
    switch (sub) {
      case 'watch':
        return withProject(args.flags, (api) => watch(api, io, json), { hostServices: true });
      case 'run':
        return withProject(args.flags, async (api) => {
          const started = await api.call('ct.run', { who });
          const cancel = () => void api.call('jobs.cancel', { id: started.jobId });
          process.on('SIGINT', cancel);
          try {
            await api.call('jobs.wait', { id: started.jobId });
          } finally {
            process.off('SIGINT', cancel);
          }
          const c = await api.call('ct.cycle', { id: started.cycleId });
          if (json) printJson(io, c);
          else printCycle(io, c);
          return c.status === 'succeeded' || c.status === 'unchanged' ? 0 : 1;
        });
      case 'cycles':
      case 'status':
        return withProject(args.flags, async (api) => {
          const status = await api.call('ct.status', {});
          const limit = args.flags.limit === undefined ? 20 : Number(args.flags.limit);
          if (!Number.isInteger(limit) || limit < 1)
            throw new UsageError('--limit takes a positive whole number');
          const cycles = sub === 'cycles' ? await api.call('ct.cycles', { limit }) : [];
          if (json) printJson(io, sub === 'cycles' ? cycles : status);
          else {
            printStatus(io, status);
            if (sub === 'cycles' && !cycles.length) io.out('No cycles yet.');
            for (const c of cycles) printCycle(io, c);
          }
          return 0;
        });
      case 'approve':
      case 'reject':
        return withProject(args.flags, async (api) => {
          const c = await api.call(sub === 'approve' ? 'ct.approve' : 'ct.reject', { id: cycleId(), who });
          if (json) printJson(io, c);
          else io.out(`cycle ${c.id}: ${sub === 'approve' ? 'approved' : 'rejected'} by ${c.decidedBy}`);
          return 0;
        });
      case 'pause':
      case 'resume':
        return withProject(args.flags, async (api) => {
          const s = await api.call(sub === 'pause' ? 'ct.pause' : 'ct.resume', {});
          if (json) printJson(io, s);
          else io.out(s.paused ? 'CT loop paused: triggers are ignored until resume.' : 'CT loop resumed.');
          return 0;
        });
      default:
        throw new UsageError(
          'strata ct takes watch, run, cycles, status, approve <cycle>, reject <cycle>, pause or resume',
        );
    }
  },
};
