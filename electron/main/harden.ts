import { shell, type Session, type WebContents } from 'electron';
import { externalUrl } from './policy.js';

function openExternally(url: string): void {
  const safe = externalUrl(url);
  if (safe) void shell.openExternal(safe);
}

/**
 * Applied to every web contents the app ever creates: the UI is one page, so navigation and new
 * windows are refused; an https link the user clicked opens in their browser instead.
 */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternally(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/** The UI needs no camera, microphone, notifications, geolocation, USB, HID or serial access. */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}
