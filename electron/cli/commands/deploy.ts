import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import type { DeployResult } from '../../../shared/api/deploy.js';
import { deploymentLine } from '../format/deploy.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy a model version to a target in strata.yaml (gates, health check, smoke test)',
  usage: 'strata deploy <model>@<version> --target <name> [--override "<reason>"] [--stop-on-exit] [--json]',
  description:
    "An http target is started, health-checked and sent the model's input example; a failure rolls back to what served before. A version failing its gates is refused unless --override gives a reason, which is recorded. A service deployed from the command line keeps running after it exits (strata undeploy stops it); with --stop-on-exit it is marked like one deployed from the app without Keep running, so the Strata app that finds it running stops it when it quits.",
  flags: {
    ...projectFlag,
    ...jsonFlag,
    target: { type: 'string', help: 'the target (under targets: in strata.yaml)' },
    override: { type: 'string', help: 'deploy despite failing gates, for this reason (recorded)' },
    'stop-on-exit': {
      type: 'boolean',
      help: 'http: not kept running; the Strata app that finds the service stops it when it quits',
    },
  },
  async run(args, io) {
    if (args.positional.length !== 1)
      throw new UsageError('strata deploy takes one <model>@<version>, e.g. model@3');
    const target = args.flags.target;
    if (typeof target !== 'string' || !target) throw new UsageError('strata deploy needs --target <name>');
    return withProject(args.flags, async (api) => {
      const started = await api.call('deploy.start', {
        target,
        model: args.positional[0],
        override: args.flags.override as string | undefined,
        keepRunning: !args.flags['stop-on-exit'],
      });
      const r = await api.job<DeployResult>(started);
      if (args.flags.json) printJson(io, r);
      else {
        io.out(`deployed ${r.deployment.model}@${r.deployment.version} to ${target}`);
        io.out(deploymentLine(r.deployment));
        if (r.deployment.message) io.out(`  ${r.deployment.message}`);
      }
      return 0;
    });
  },
};

export const deploymentsCommand: Command = {
  name: 'deployments',
  summary: 'list deploy targets with what serves there, and the deployment history',
  usage: 'strata deployments [--target <name>] [--json]',
  flags: { ...projectFlag, ...jsonFlag, target: { type: 'string', help: 'only this target' } },
  async run(args, io) {
    if (args.positional.length) throw new UsageError('strata deployments takes no arguments');
    const target = args.flags.target as string | undefined;
    return withProject(args.flags, async (api) => {
      const targets = (await api.call('deploy.targets', {})).filter((t) => !target || t.name === target);
      const history = await api.call('deploy.history', { target });
      if (args.flags.json) {
        printJson(io, { targets, history });
        return 0;
      }
      for (const t of targets) {
        const now = t.current
          ? `${t.current.model}@${t.current.version} since ${t.current.startedAt}`
          : 'nothing deployed';
        const health = t.health ? `  ${t.health}` : '';
        const stats = t.stats
          ? `  ${t.stats.requests} requests, p99 ${t.stats.p99Ms?.toFixed(2) ?? '-'} ms`
          : '';
        io.out(`${t.name} (${t.type}: ${t.where})  ${now}${health}${stats}`);
      }
      if (history.length) io.out('');
      for (const d of history) io.out(deploymentLine(d));
      return 0;
    });
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'put an earlier deployment of a target back (the one before the current by default)',
  usage: 'strata rollback --target <name> [--to <deployment id>] [--json]',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    target: { type: 'string', help: 'the target' },
    to: { type: 'string', help: 'the deployment to go back to (an id from strata deployments)' },
  },
  async run(args, io) {
    const target = args.flags.target;
    if (typeof target !== 'string' || !target) throw new UsageError('strata rollback needs --target <name>');
    let to: number | undefined;
    if (args.flags.to !== undefined) {
      to = Number(args.flags.to);
      if (!Number.isInteger(to) || to <= 0)
        throw new UsageError(`--to takes a deployment id, not ${String(args.flags.to)}`);
    }
    return withProject(args.flags, async (api) => {
      const r = await api.job<DeployResult>(await api.call('deploy.rollback', { target, to }));
      if (args.flags.json) printJson(io, r);
      else
        io.out(
          `rolled ${target} back to ${r.deployment.model}@${r.deployment.version}\n${deploymentLine(r.deployment)}`,
        );
      return 0;
    });
  },
};

export const undeployCommand: Command = {
  name: 'undeploy',
  summary: 'stop what a target serves (the history stays)',
  usage: 'strata undeploy --target <name> [--json]',
  flags: { ...projectFlag, ...jsonFlag, target: { type: 'string', help: 'the target' } },
  async run(args, io) {
    const target = args.flags.target;
    if (typeof target !== 'string' || !target) throw new UsageError('strata undeploy needs --target <name>');
    return withProject(args.flags, async (api) => {
      const d = await api.call('deploy.stop', { target });
      if (args.flags.json) printJson(io, d);
      else io.out(`stopped ${d.model}@${d.version} on ${target}`);
      return 0;
    });
  },
};
