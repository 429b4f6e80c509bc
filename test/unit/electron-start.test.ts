// `npm start`'s launcher, scripts/start.js, run as `npm start` runs it (after `npm run build`: it needs out/).
// Which Electron it finds is steered through Electron's own ELECTRON_OVERRIDE_DIST_PATH: an empty folder
// stands for "binary never downloaded", a folder with a stand-in `electron` script for "installed".
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-electron-start-');
afterAll(() => t.cleanup());

const startScript = path.join(repoRoot, 'scripts', 'start.js');
// With the Electron path taken, start.js first makes sure of better-sqlite3's Electron build unless
// STRATA_SQLITE_BINDING names one: these tests name one, so they need no internet.
const sqliteBinding = path.join(
  repoRoot,
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
);
const NOTICE =
  'Electron runtime not installed (download skipped): run `node node_modules/electron/install.js` on a machine with internet. Opening the browser UI instead.';

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete e.ELECTRON_RUN_AS_NODE;
  return e;
}

function firstLines(proc: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${count} lines in 20 s; stdout: ${out}; stderr: ${err}`)),
      20000,
    );
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      if (lines.length > count) {
        clearTimeout(timer);
        resolve(lines.slice(0, count));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.js exited with ${code}; stdout: ${out}; stderr: ${err}`));
    });
  });
}

describe('scripts/start.js', () => {
  it('is run on a build', () => {
    expect(
      fs.existsSync(path.join(repoRoot, 'out', 'electron', 'core', 'engine.js')),
      'run `npm run build` first',
    ).toBe(true);
  });

  it('without the Electron binary says so in one line and serves the example copy in the browser UI', async () => {
    const home = path.join(t.dir, 'home-fallback');
    const noElectron = fs.mkdtempSync(path.join(t.dir, 'no-electron-'));
    const proc = spawn(process.execPath, [startScript, '--no-open', '--port', '0'], {
      cwd: repoRoot,
      env: env({ STRATA_HOME: home, ELECTRON_OVERRIDE_DIST_PATH: noElectron }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the browser host it started goes down with it at the end.
      detached: true,
    });
    try {
      const [where, notice, ui] = await firstLines(proc, 3);
      const example = path.join(home, 'examples', 'churn-example');
      expect(where).toBe(`start: opening the example project, your own copy in ${example}`);
      expect(notice).toBe(NOTICE);
      const m = /^Strata UI: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]+)$/.exec(ui);
      expect(m, ui).not.toBeNull();
      expect(fs.existsSync(path.join(example, 'strata.yaml'))).toBe(true);
      expect(fs.existsSync(path.join(example, 'data', 'customers.csv'))).toBe(true);
      const res = await fetch(`${m![1]}/api/call/project.current`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${m![3]}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      const body = (await res.json()) as { ok: boolean; result: { root: string } | null };
      expect(body.ok).toBe(true);
      expect(body.result?.root).toBe(example);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        process.kill(-proc.pid!, 'SIGKILL');
        await exited;
      }
    }
  });

  it('with an Electron binary launches it on the app and the project, and passes its exit code on', () => {
    const dist = fs.mkdtempSync(path.join(t.dir, 'electron-'));
    fs.writeFileSync(
      path.join(dist, 'electron'),
      '#!/bin/sh\necho "electron-argv: $*"\necho "run-as-node: ${ELECTRON_RUN_AS_NODE:-unset}"\nexit 3\n',
      { mode: 0o755 },
    );
    const project = fs.mkdtempSync(path.join(t.dir, 'project-'));
    const home = path.join(t.dir, 'home-electron');
    const r = spawnSync(process.execPath, [startScript, project], {
      cwd: repoRoot,
      env: {
        ...env({
          STRATA_HOME: home,
          ELECTRON_OVERRIDE_DIST_PATH: dist,
          STRATA_SQLITE_BINDING: sqliteBinding,
        }),
        ELECTRON_RUN_AS_NODE: '1',
      },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `electron-argv: ${repoRoot} ${project}`,
      'run-as-node: unset',
    ]);
    expect(r.stdout).not.toContain('not installed');
    expect(r.status).toBe(3);
    // A project was named, so the example was not copied.
    expect(fs.existsSync(path.join(home, 'examples'))).toBe(false);
  });

  it('with an Electron binary and no folder named opens the example copy', () => {
    const dist = fs.mkdtempSync(path.join(t.dir, 'electron-'));
    fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\necho "electron-argv: $*"\n', { mode: 0o755 });
    const home = path.join(t.dir, 'home-example');
    const r = spawnSync(process.execPath, [startScript], {
      cwd: repoRoot,
      env: env({
        STRATA_HOME: home,
        ELECTRON_OVERRIDE_DIST_PATH: dist,
        STRATA_SQLITE_BINDING: sqliteBinding,
      }),
      encoding: 'utf8',
      timeout: 20000,
    });
    const example = path.join(home, 'examples', 'churn-example');
    expect(r.stdout.trim().split('\n')).toEqual([
      `start: opening the example project, your own copy in ${example}`,
      `electron-argv: ${repoRoot} ${example}`,
    ]);
    expect(r.status).toBe(0);
  });

  it('passes a stop signal (SIGTERM) on to the app it launched, and exits with its code', async () => {
    const dist = fs.mkdtempSync(path.join(t.dir, 'electron-'));
    fs.writeFileSync(
      path.join(dist, 'electron'),
      "#!/bin/sh\ntrap 'echo got-term; exit 0' TERM\necho ready\nwhile :; do sleep 0.05; done\n",
      { mode: 0o755 },
    );
    const proc = spawn(process.execPath, [startScript, fs.mkdtempSync(path.join(t.dir, 'project-'))], {
      cwd: repoRoot,
      env: env({
        STRATA_HOME: path.join(t.dir, 'home-signal'),
        ELECTRON_OVERRIDE_DIST_PATH: dist,
        STRATA_SQLITE_BINDING: sqliteBinding,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      expect(await firstLines(proc, 1)).toEqual(['ready']);
      let out = '';
      proc.stdout!.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('got-term');
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
  });
});

describe('npm start builds only what changed', () => {
  const script = path.join(repoRoot, 'scripts', 'build-if-stale.js');
  it('skips an up-to-date engine and UI, and rebuilds the one whose sources changed', () => {
    // A stand-in project whose two build scripts only record that they ran: the script's own logic, fast.
    const root = fs.mkdtempSync(path.join(t.dir, 'build-'));
    const log = path.join(root, 'built.log');
    const record = (what: string) => `node -e "require('fs').appendFileSync('built.log', '${what}\\n')"`;
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ scripts: { 'build:node': record('engine'), 'build:renderer': record('ui') } }),
    );
    for (const dir of ['electron', 'renderer', 'shared']) {
      fs.mkdirSync(path.join(root, dir));
      fs.writeFileSync(path.join(root, dir, 'a.ts'), '');
    }
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [script, '--root', root, ...args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const built = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
    run();
    expect(built()).toEqual(['engine', 'ui']);
    const again = run();
    expect(again).toContain('the engine is up to date, not rebuilt');
    expect(again).toContain('the UI is up to date, not rebuilt');
    expect(built()).toEqual(['engine', 'ui']);
    // A renderer file saved after the build: the UI is rebuilt, the engine is not.
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(path.join(root, 'renderer', 'a.ts'), later, later);
    run();
    expect(built()).toEqual(['engine', 'ui', 'ui']);
    // A shared file: both. --force: both, whatever changed.
    fs.utimesSync(
      path.join(root, 'shared', 'a.ts'),
      new Date(Date.now() + 4000),
      new Date(Date.now() + 4000),
    );
    run();
    expect(built()).toEqual(['engine', 'ui', 'ui', 'engine', 'ui']);
    run('--force');
    expect(built()).toHaveLength(7);
  });
});
