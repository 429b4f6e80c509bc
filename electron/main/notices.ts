import type { CtCycle } from '../../shared/api/ct.js';
import type { DriftAlert } from '../../shared/api/drift.js';

export interface Notice {
  title: string;
  body: string;
  /** the place a click opens in the window (a route hash, as the app's own links) */
  show?: string;
  /** a CT cycle waiting for a person: the notification offers Approve and Reject where it can */
  approve?: number;
}

const CYCLE_NEWS: Partial<Record<CtCycle['status'], string>> = {
  waiting: 'waits for approval',
  succeeded: 'finished',
  failed: 'failed',
  rejected: 'was rejected',
  interrupted: 'was interrupted',
};

/**
 * The engine events a person is told about on the desktop while looking elsewhere, as a notice; null
 * for the rest. Pure, so it is tested without Electron.
 */
export function noticeFor(event: string, payload: unknown): Notice | null {
  if (event === 'drift.alert') {
    const a = payload as DriftAlert;
    const what = [
      a.columns.length ? `${a.columns.join(', ')} drifted` : '',
      a.detections.length ? `${a.detections.join(', ')} detected a change in the model's errors` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return { title: `Drift in ${a.monitor}`, body: `Window ${a.window}: ${what || 'an alert'}.` };
  }
  if (event === 'ct.cycle') {
    const c = payload as CtCycle;
    const news = CYCLE_NEWS[c.status];
    if (!news) return null;
    const waiting = c.status === 'waiting';
    return {
      title: `CT cycle ${c.id} ${news}`,
      body: waiting ? `${c.model}@${c.version}: ${c.reason}` : (c.outcome ?? c.reason),
      show: '#pipelines/automation',
      ...(waiting ? { approve: c.id } : {}),
    };
  }
  return null;
}
