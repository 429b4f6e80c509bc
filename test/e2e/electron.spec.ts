// The desktop app itself, driven by Playwright's _electron. Runs where the Electron binary was
// downloaded (`node node_modules/electron/install.js`) and skips with the reason everywhere else.
import { test, expect, _electron, type ElectronApplication } from '@playwright/test';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CSP } from '../../electron/host/security.js';
import { copyProject, exampleDir, repoRoot } from './fixtures.js';

/** The Electron executable, or why there is none. */
function findElectron(): { bin: string } | { missing: string } {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    if (typeof bin === 'string' && fs.existsSync(bin)) return { bin };
    return { missing: `${String(bin)} does not exist` };
  } catch {
    // require('electron') says "failed to install correctly" when its postinstall download was simply skipped.
    return {
      missing:
        'node_modules/electron has no downloaded binary (its install script was skipped or had no internet)',
    };
  }
}

const electron = findElectron();
test.skip(
  'missing' in electron,
  `Electron binary not installed: ${'missing' in electron ? electron.missing : ''}. Run \`node node_modules/electron/install.js\` on a machine with internet to run this test.`,
);
// Inside Electron the engine needs better-sqlite3 built for Electron's ABI (the Node build would not load).
const sqliteForElectron =
  process.env.STRATA_SQLITE_BINDING ?? path.join(repoRoot, 'build', 'electron-native', 'better_sqlite3.node');
test.skip(
  !fs.existsSync(sqliteForElectron),
  `better-sqlite3 is not built for Electron (${sqliteForElectron} is missing): run \`npm run build:electron-native\` (needs internet) to run this test.`,
);

interface Bridge {
  call(
    name: string,
    params: unknown,
  ): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
  on(event: string, handler: (payload: unknown) => void): () => void;
}
declare global {
  interface Window {
    strataBridge: Bridge;
  }
}

const cleanups: (() => void)[] = [];
test.afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function launch(extraArgs: string[]): Promise<ElectronApplication> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-electron-home-'));
  const app = await _electron.launch({
    executablePath: 'bin' in electron ? electron.bin : undefined,
    args: [repoRoot, ...extraArgs],
    env: { ...(process.env as Record<string, string>), STRATA_HOME: home },
  });
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  return app;
}

test('shows the start screen from app://strata in a sandboxed, isolated window', async () => {
  const app = await launch([]);
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('start-screen')).toBeVisible();
    expect(page.url()).toBe('app://strata/index.html');
    const globals = await page.evaluate(() => ({
      bridge: Object.keys(window.strataBridge).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: ['call', 'on'], require: 'undefined', process: 'undefined' });
    const csp = await page.evaluate(async () =>
      (await fetch('app://strata/index.html')).headers.get('content-security-policy'),
    );
    expect(csp).toBe(CSP);
  } finally {
    await app.close();
  }
});

test('answers calls through the bridge, refuses bad ones, and denies navigation', async () => {
  const app = await launch([]);
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('start-screen')).toBeVisible();
    const info = await page.evaluate(() => window.strataBridge.call('app.info', {}));
    expect(info).toMatchObject({ ok: true, result: { canPickFolder: true } });
    const unknown = await page.evaluate(() => window.strataBridge.call('fs.rm', { path: '/' }));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    const bad = await page.evaluate(() => window.strataBridge.call('project.open', { path: 42 }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const badEvent = await page.evaluate(() => {
      try {
        window.strataBridge.on('fs.changed', () => undefined);
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(badEvent).toMatch(/unknown event/);
    // http, not https: nothing may open in an external browser during the test either.
    expect(await page.evaluate(() => window.open('http://example.com/') === null)).toBe(true);
    await page.evaluate(() => {
      location.href = 'http://example.com/';
    });
    await page.waitForTimeout(300);
    expect(page.url()).toBe('app://strata/index.html');
  } finally {
    await app.close();
  }
});

test('opens the project named on the command line', async () => {
  const dir = copyProject(exampleDir);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = await launch([dir]);
  try {
    const page = await app.firstWindow();
    const current = await page.evaluate(() => window.strataBridge.call('project.current', {}));
    expect(current).toMatchObject({ ok: true, result: { root: dir } });
    await expect(page.getByTestId('start-screen')).toHaveCount(0);
    expect(fs.existsSync(path.join(dir, '.strata', 'strata.db'))).toBe(true);
  } finally {
    await app.close();
  }
});
