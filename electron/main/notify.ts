import { Notification, type BrowserWindow } from 'electron';
import type { Engine } from '../core/engine.js';
import { noticeFor } from './notices.js';
import { EVENT_CHANNEL } from './policy.js';

/**
 * Desktop notifications for alerts (a drift monitor's) and CT cycles (finished, failed, waiting for
 * approval). Clicking one brings the window forward, where the in-app banner says more; a cycle's
 * opens the Automation view, whose Approve and Reject answer a waiting cycle. Notification buttons
 * exist only on macOS, so there a waiting cycle's notification carries Approve and Reject itself.
 * Returns the unsubscribe function.
 */
export function notifyAlerts(
  engine: Engine,
  window: () => BrowserWindow | null,
  platform: NodeJS.Platform = process.platform,
): () => void {
  return engine.subscribe((event, payload) => {
    const notice = noticeFor(event, payload);
    if (!notice || !Notification.isSupported()) return;
    const cycle = notice.approve;
    const buttons = cycle !== undefined && platform === 'darwin';
    const shown = new Notification({
      title: notice.title,
      body: notice.body,
      ...(buttons
        ? {
            actions: [
              { type: 'button', text: 'Approve' },
              { type: 'button', text: 'Reject' },
            ],
          }
        : {}),
    });
    shown.on('click', () => {
      const w = window();
      if (!w) return;
      if (w.isMinimized()) w.restore();
      w.focus();
      if (notice.show && !w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, 'app.show', { to: notice.show });
    });
    if (buttons)
      shown.on('action', (_event, index) => {
        // A cycle decided meanwhile (in the app, by `strata ct approve`) refuses; the banner shows its state.
        void engine.invoke(index === 0 ? 'ct.approve' : 'ct.reject', { id: cycle }).catch(() => undefined);
      });
    shown.show();
  });
}
