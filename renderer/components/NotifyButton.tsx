import { useState, useSyncExternalStore } from 'react';

// A browser only lets a page ask for notification permission from a person's gesture, and the answer
// sticks for the origin: the question is put on a click, never on load. Electron grants it from the
// start, so there the button never shows.
const listeners = new Set<() => void>();
const permission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/**
 * "Notify me on this desktop", shown while the page may still ask; the drift alerts and CT cycle
 * notices (drift/store.ts, pipelines/CtBanner.tsx) then also raise a desktop notification.
 */
export function NotifyButton({ what }: { what: string }) {
  const now = useSyncExternalStore(subscribe, permission);
  const [refused, setRefused] = useState(false);
  if (refused)
    return (
      <span className="muted notify-note" data-testid="notify-refused">
        Desktop notifications are blocked for this page; {what} show here in the app.
      </span>
    );
  if (now !== 'default') return null;
  const ask = async () => {
    const answer = await Notification.requestPermission();
    setRefused(answer === 'denied');
    listeners.forEach((l) => l());
  };
  return (
    <button
      type="button"
      className="btn btn--small btn--ghost"
      onClick={() => void ask()}
      data-testid="notify-enable"
      title={`Ask this browser to show ${what} as desktop notifications`}
    >
      Notify me on this desktop
    </button>
  );
}
