// What the Electron shell lets through, as plain functions so the rules are tested under Node
// (the Electron binary cannot run on every machine that runs the tests).

export const APP_SCHEME = 'app';
export const APP_HOST = 'strata';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for our own bundled UI: app://strata/…, nothing served from disk or the network. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.host === APP_HOST &&
    u.username === '' &&
    u.password === ''
  );
}

export interface SenderFrame {
  url: string;
  /** false for iframes: the UI has none, so a call from one is never ours. */
  isMainFrame: boolean;
}

/**
 * An IPC message is answered only when it comes from the top frame of our UI. A frame that was
 * destroyed before its message arrived (null) is refused too.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame != null && frame.isMainFrame && isAppUrl(frame.url);
}

/**
 * Links the UI cannot follow itself (navigation and window.open are denied) may open in the user's
 * browser, but only https: never file:, custom schemes that launch other apps, or plain http.
 */
export function externalUrl(url: string): string | null {
  const u = parse(url);
  if (u === null || u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.hostname === '')
    return null;
  return u.href;
}

/**
 * The project folder given on the command line (`electron [switches] <app> <dir>` in development,
 * `Strata <dir>` once packaged). Switches may come anywhere, before the app path too (Playwright
 * puts --inspect=0 there), so positions are counted among the non-switch arguments only.
 */
export function projectArg(argv: readonly string[], isPackaged: boolean): string | null {
  const positional = argv.slice(1).filter((a) => !a.startsWith('-'));
  return positional[isPackaged ? 0 : 1] ?? null;
}

/** IPC channels. The preload repeats these strings and the switches below (a sandboxed preload can import nothing but 'electron'); a test keeps them equal. */
export const CALL_CHANNEL = 'strata:call';
export const EVENT_CHANNEL = 'strata:event';

/**
 * The contract's call and event names reach the sandboxed preload as two command-line switches of the
 * renderer process, so the preload can refuse any other name without importing the contract.
 */
export const CALLS_SWITCH = '--strata-calls=';
export const EVENTS_SWITCH = '--strata-events=';
export function contractSwitches(callNames: readonly string[], eventNames: readonly string[]): string[] {
  return [CALLS_SWITCH + callNames.join(','), EVENTS_SWITCH + eventNames.join(',')];
}
