import type { DriftAlert } from '../../shared/api/drift.js';

export interface Notice {
  title: string;
  body: string;
}

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
  return null;
}
