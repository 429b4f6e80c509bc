import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The per-user folder for app state (recent projects). STRATA_HOME overrides it, for tests and portable use. */
export function appDataDir(): string {
  if (process.env.STRATA_HOME) return path.resolve(process.env.STRATA_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Strata');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Strata');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'strata');
  }
}

/** Our package's name in package.json (the registry's `strata` is another project's). */
export const PACKAGE_NAME = 'strata-mlops';

/** The app's root (the repository, or the packaged app's resources): the nearest folder up with our package.json. */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('Cannot find the Strata app root above ' + import.meta.url);
    dir = up;
  }
}

/**
 * In a packaged app the examples are unpacked beside app.asar (electron-builder's asarUnpack), so they
 * can be copied and run as ordinary files.
 */
export function examplePath(): string {
  const root = appRoot();
  const unpacked = root.endsWith('app.asar') ? `${root}.unpacked` : root;
  return path.join(fs.existsSync(unpacked) ? unpacked : root, 'resources', 'examples', 'tabular');
}
