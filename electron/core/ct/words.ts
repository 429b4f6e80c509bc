import type { CtPolicyInfo } from '../../../shared/api/ct.js';
import type { CtPolicy } from './config.js';

const list = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

/** The policy as a person reads it, one sentence per line (the Automation view, `strata ct cycles`). */
export function policyInWords(p: CtPolicy): CtPolicyInfo {
  const starts: string[] = [];
  if (p.datasets.length) starts.push(`a new version of ${list(p.datasets)}`);
  if (p.monitors.length) starts.push(`a drift alert from ${list(p.monitors)}`);
  if (p.schedule) starts.push(`the schedule "${p.schedule}"`);
  starts.push('a person (Run cycle now)');
  const words = [`A cycle starts on ${list(starts)}.`];
  if (p.validate !== false)
    words.push(
      `It validates ${Array.isArray(p.validate) ? list(p.validate) : 'the new data'}; a failing check stops it.`,
    );
  words.push(`It runs ${p.run === 'all' ? 'the whole pipeline' : `the stages ${list(p.run)}`}.`);
  if (p.model)
    words.push(
      `It evaluates the new version of ${p.model}${p.gates ? ' and judges it by its gates against the champion' : ''}.`,
    );
  if (p.approval !== 'none')
    words.push(`A person approves before it ${p.approval === 'promote' ? 'promotes' : 'deploys'}.`);
  if (p.promote) words.push(`It moves the alias ${p.promote} to the new version.`);
  if (p.deploy.length) words.push(`It deploys to ${list(p.deploy)}.`);
  words.push(
    `At most ${p.max_cycles_per_hour} cycles start from triggers in an hour; triggers during a cycle make one more.`,
  );
  return {
    words,
    datasets: p.datasets,
    monitors: p.monitors,
    schedule: p.schedule ?? null,
    model: p.model ?? null,
    promote: p.promote ?? null,
    deploy: p.deploy,
    approval: p.approval,
    maxCyclesPerHour: p.max_cycles_per_hour,
  };
}
