import { spawn } from 'node:child_process';

/**
 * The command that opens `target` in the user's browser. $BROWSER wins, as for Python's webbrowser and
 * Jupyter: its first entry, split on spaces, with `%s` replaced by the target or the target appended.
 */
export function browserCommand(
  target: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  const chosen = (env.BROWSER ?? '').split(platform === 'win32' ? ';' : ':')[0].trim();
  if (chosen) {
    const [cmd, ...args] = chosen.split(/\s+/);
    return args.includes('%s') ? [cmd, args.map((a) => (a === '%s' ? target : a))] : [cmd, [...args, target]];
  }
  if (platform === 'darwin') return ['open', [target]];
  if (platform === 'win32') return ['explorer', [target]];
  return ['xdg-open', [target]];
}

/**
 * Why no browser can be opened here, or null when one can: on Linux and the BSDs a browser needs a
 * display (an ssh session, a container), unless $BROWSER names a command (a text browser, a script).
 */
export function noBrowserReason(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (platform === 'darwin' || platform === 'win32' || (env.BROWSER ?? '').trim()) return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display to open a browser on (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

/** Starts the browser and lets it live on its own; a missing opener is reported, never fatal. */
export function openInBrowser(target: string, onError: (message: string) => void): void {
  const [cmd, args] = browserCommand(target);
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', (err) => onError(`cannot start ${cmd} to open the browser: ${err.message}`));
  child.unref();
}
