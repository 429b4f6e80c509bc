import fs from 'node:fs';
import path from 'node:path';

/**
 * Pipeline stages run shell commands such as `node src/train.mjs`. A laptop with the desktop app may
 * have no Node at all, and apps started from the macOS Finder get a PATH without Homebrew's or nvm's.
 * The Electron binary is a Node too (with ELECTRON_RUN_AS_NODE=1), so where no `node` is found a tiny
 * launcher named `node` that runs it is put on the front of PATH. A Node the user has always wins.
 */
export function findOnPath(
  name: string,
  envPath: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        if (fs.statSync(file).isFile()) {
          if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
          return file;
        }
      } catch {
        // not here, or not executable: keep looking
      }
    }
  }
  return null;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Writes the `node` launcher for `runtime` (the Electron executable) into `dir` and returns `dir`. */
export function writeNodeShim(
  dir: string,
  runtime: string,
  platform: NodeJS.Platform = process.platform,
): string {
  fs.mkdirSync(dir, { recursive: true });
  if (platform === 'win32') {
    fs.writeFileSync(
      path.join(dir, 'node.cmd'),
      `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${runtime}" %*\r\n`,
    );
  } else {
    fs.writeFileSync(
      path.join(dir, 'node'),
      `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${shQuote(runtime)} "$@"\n`,
      { mode: 0o755 },
    );
    fs.chmodSync(path.join(dir, 'node'), 0o755);
  }
  return dir;
}

/** PATH for the engine's child processes: unchanged where a `node` exists, else with the launcher in front. */
export function pathWithNode(
  envPath: string | undefined,
  shimDir: string,
  runtime: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (findOnPath('node', envPath, platform)) return envPath ?? '';
  writeNodeShim(shimDir, runtime, platform);
  return envPath ? `${shimDir}${path.delimiter}${envPath}` : shimDir;
}
