import { Notification, type BrowserWindow } from 'electron';
import type { Engine } from '../core/engine.js';
import { noticeFor } from './notices.js';

/**
 * Desktop notifications for alerts (a drift monitor's). Clicking one brings the window forward, where
 * the in-app banner names the monitor and opens it. Returns the unsubscribe function.
 */
export function notifyAlerts(engine: Engine, window: () => BrowserWindow | null): () => void {
  return engine.subscribe((event, payload) => {
    const notice = noticeFor(event, payload);
    if (!notice || !Notification.isSupported()) return;
    const shown = new Notification(notice);
    shown.on('click', () => {
      const w = window();
      if (!w) return;
      if (w.isMinimized()) w.restore();
      w.focus();
    });
    shown.show();
  });
}
