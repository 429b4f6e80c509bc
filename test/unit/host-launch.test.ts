// `strata ui` opening a browser: the token must never reach a command line (any local user reads
// /proc/<pid>/cmdline) nor a file other users can read. The browser is a stand-in script named by
// $BROWSER, an external program that records how it was started and waits.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { startBrowserHost } from '../../electron/host/server.js';
import { writeLaunchFile } from '../../electron/host/launch-file.js';
import { browserCommand, noBrowserReason } from '../../electron/cli/open-browser.js';
import { spawnCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-launch-');
const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  t.cleanup();
});

async function waitFor<T>(probe: () => T | undefined | null, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readOr(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Every process command line this user can read, by pid. */
function allCommandLines(): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // gone already, or not ours to read
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) => {
    const p = path.join(e.parentPath, e.name);
    return e.isFile() ? [p] : [];
  });
}

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { redirect: 'manual', headers });

describe.runIf(process.platform === 'linux')('strata ui opening the browser', () => {
  it('puts no token on any command line and signs the browser in once through a private file', async () => {
    const home = path.join(t.dir, 'home');
    const record = path.join(t.dir, 'opener');
    const opener = path.join(t.dir, 'fake-browser.sh');
    fs.writeFileSync(
      opener,
      `#!/bin/sh\necho $$ > '${record}.pid.tmp'\nprintf '%s\\n' "$@" > '${record}.argv'\nmv '${record}.pid.tmp' '${record}.pid'\nsleep 60\n`,
      { mode: 0o755 },
    );
    const project = path.join(t.dir, 'empty');
    fs.mkdirSync(project);
    const child = spawnCli(['ui', project, '--port', '0'], { env: { STRATA_HOME: home, BROWSER: opener } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.once('exit', r));
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    });

    const printed = new URL(await waitFor(() => /Strata UI: (\S+)/.exec(stdout)?.[1], 60000, 'the URL'));
    const token = printed.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(22);
    const openerPid = Number(await waitFor(() => readOr(`${record}.pid`), 20000, `the opener; ${stderr}`));
    cleanups.push(() => {
      try {
        // The host starts the opener in a group of its own: this stops its `sleep` too.
        process.kill(-openerPid, 'SIGKILL');
      } catch {
        // already gone
      }
    });

    // The opener, still running, and every other process: no token in any command line.
    const openerLine = fs.readFileSync(`/proc/${openerPid}/cmdline`, 'utf8');
    expect(openerLine).toContain(opener);
    for (const [pid, line] of allCommandLines()) expect(line, `pid ${pid}`).not.toContain(token);

    // It was given one file: 0600, in a 0700 folder, forwarding with a one-time code, not the token.
    const args = fs.readFileSync(`${record}.argv`, 'utf8').trim().split('\n');
    expect(args).toHaveLength(1);
    const file = new URL(args[0]);
    expect(file.protocol).toBe('file:');
    const page = fs.readFileSync(file, 'utf8');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file.pathname)).mode & 0o777).toBe(0o700);
    expect(page).not.toContain(token);
    const code = /url=(http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]+)/.exec(page)?.[1];
    expect(code, page).toBeDefined();
    for (const [pid, line] of allCommandLines())
      expect(line, `pid ${pid}`).not.toContain(new URL(code!).search);

    // The code signs in once, with the same cookie the token gives; the second use is refused.
    const first = await get(code!);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!.split(';')[0];
    expect((await get(`${printed.origin}/api/events`, { Cookie: cookie })).status).toBe(200);
    const again = await get(code!);
    expect(again.status).toBe(401);
    expect(await again.text()).toMatch(/already used or has expired/);
    // Spent, the file has no further use and goes away.
    await waitFor(() => (fs.existsSync(file) ? null : true), 5000, 'the launch file to go');

    // Nothing the host wrote under its home holds the token.
    for (const f of filesUnder(home)) expect(fs.readFileSync(f, 'latin1'), f).not.toContain(token);
    expect(stderr).not.toContain(token);
  }, 90000);
});

describe('one-time sign-in codes', () => {
  it('die after their time even when never used', async () => {
    process.env.STRATA_HOME = path.join(t.dir, 'home-ttl');
    const engine = new Engine();
    const host = await startBrowserHost({ engine, staticDir: path.join(t.dir, 'no-ui') });
    cleanups.push(async () => {
      await host.close();
      await engine.shutdown();
    });
    const short = host.launchUrl(100);
    await short.spent;
    expect((await get(short.url)).status).toBe(401);
    const other = host.launchUrl(60000);
    // A code is not the token: it opens nothing by itself.
    const code = new URL(other.url).searchParams.get('code')!;
    expect(
      (await get(`http://127.0.0.1:${host.port}/api/events`, { Authorization: `Bearer ${code}` })).status,
    ).toBe(401);
    expect((await get(other.url)).status).toBe(200);
    await other.spent;
  });
});

describe('the launch file', () => {
  it('refuses a folder that is a symlink and tightens a loose one', () => {
    const real = path.join(t.dir, 'elsewhere');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(t.dir, 'linked'));
    expect(() => writeLaunchFile(path.join(t.dir, 'linked'), 'http://127.0.0.1:1/?code=x')).toThrow(
      /must be a folder/,
    );
    const loose = path.join(t.dir, 'loose');
    fs.mkdirSync(loose, { mode: 0o755 });
    fs.chmodSync(loose, 0o755);
    const f = writeLaunchFile(loose, 'http://127.0.0.1:1/?code=a"b<c');
    expect(fs.statSync(loose).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(f.file, 'utf8')).toContain('code=a&#34;b&#60;c');
    f.remove();
    expect(fs.existsSync(f.file)).toBe(false);
  });

  it('clears launch files a killed strata ui left behind, a day on', () => {
    const dir = path.join(t.dir, 'runtime-stale');
    const old = writeLaunchFile(dir, 'http://127.0.0.1:1/?code=old');
    const recent = writeLaunchFile(dir, 'http://127.0.0.1:1/?code=recent');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(old.file, twoDaysAgo, twoDaysAgo);
    const next = writeLaunchFile(dir, 'http://127.0.0.1:1/?code=next');
    expect(fs.existsSync(old.file)).toBe(false);
    expect(fs.existsSync(recent.file)).toBe(true);
    expect(fs.existsSync(next.file)).toBe(true);
  });

  it('is opened with $BROWSER when set, else the platform opener', () => {
    expect(browserCommand('file:///f.html', { BROWSER: '/x/fake' }, 'linux')).toEqual([
      '/x/fake',
      ['file:///f.html'],
    ]);
    expect(browserCommand('u', { BROWSER: 'firefox --new-tab %s:chromium' }, 'linux')).toEqual([
      'firefox',
      ['--new-tab', 'u'],
    ]);
    expect(browserCommand('u', {}, 'linux')).toEqual(['xdg-open', ['u']]);
    expect(browserCommand('u', {}, 'darwin')).toEqual(['open', ['u']]);
  });
});

describe('no display', () => {
  it('is named, with the URL to open, instead of a failed browser start', () => {
    expect(noBrowserReason({}, 'linux')).toMatch(/no display/);
    expect(noBrowserReason({ DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(noBrowserReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(noBrowserReason({ BROWSER: 'w3m' }, 'linux')).toBeNull();
    expect(noBrowserReason({}, 'darwin')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('strata ui says so on stderr and keeps serving', async () => {
    const project = path.join(t.dir, 'nodisplay');
    fs.mkdirSync(project);
    // Empty is unset for the check, and overrides whatever this machine has.
    const env = { STRATA_HOME: path.join(t.dir, 'home2'), DISPLAY: '', WAYLAND_DISPLAY: '', BROWSER: '' };
    const child = spawnCli(['ui', project, '--port', '0'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const url = await waitFor(() => /Strata UI: (\S+)/.exec(stdout)?.[1], 60000, 'the URL');
      await waitFor(
        () => /Not opening a browser: there is no display/.test(stderr),
        20000,
        `the message; ${stderr}`,
      );
      expect((await fetch(url, { redirect: 'manual' })).status).toBeLessThan(400);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
