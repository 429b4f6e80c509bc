import type { Deployment } from '../../../shared/api/deploy.js';

/** One line of a deployment for a terminal: id, target, what, state, when, who, why. */
export function deploymentLine(d: Deployment): string {
  const what = `${d.model}@${d.version}`;
  const how = d.action === 'rollback' ? ` (rollback to #${d.rollbackOf})` : '';
  const where = d.url ? `  ${d.url}` : '';
  const override = d.override ? `  gates overridden: ${d.override}` : '';
  return `#${d.id}  ${d.target.padEnd(12)} ${what.padEnd(14)} ${d.status.padEnd(9)} ${d.startedAt}  ${d.who}${how}${where}${override}`;
}
