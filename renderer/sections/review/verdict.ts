import type { Reproduction } from '../../../shared/api/index.js';

/** The verdict in the words of the issue, with the badge's tone. */
export function verdictText(r: Reproduction): { label: string; tone: 'ok' | 'warn' | 'bad' | 'busy' } {
  if (r.status === 'running') return { label: 'reproducing…', tone: 'busy' };
  if (r.status === 'refused') return { label: 'not reproduced (refused)', tone: 'bad' };
  if (r.status === 'failed' || r.status === 'cancelled')
    return { label: `reproduction ${r.status}`, tone: 'warn' };
  if (r.verdict === 'exact') return { label: 'reproduced exactly', tone: 'ok' };
  if (r.verdict === 'within-tolerance') return { label: 'reproduced within tolerance', tone: 'warn' };
  return { label: 'not reproduced', tone: 'bad' };
}
