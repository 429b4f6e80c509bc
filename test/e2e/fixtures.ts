import { test as base, expect } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const exampleDir = path.join(repoRoot, 'resources', 'examples', 'tabular');

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  projectDir: string;
  home: string;
  proc: ChildProcess;
  stderr: () => string;
}

/** Copies a folder (the bundled example, say) to a fresh temp dir so tests never write into the repo. */
export function copyProject(src: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-'));
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !p.includes(`${path.sep}.strata`) });
  return dest;
}

/**
 * Starts the real browser host, `strata ui <dir> --no-open --port 0`, as a child process; with
 * `open`, it opens a browser through the given environment's $BROWSER instead.
 */
export async function startHost(
  projectDir: string | null,
  extraArgs: string[] = [],
  opts: { open?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningHost> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-home-'));
  const args = [
    path.join(repoRoot, 'bin', 'strata.js'),
    'ui',
    ...(projectDir ? [projectDir] : []),
    ...(opts.open ? [] : ['--no-open']),
    '--port',
    '0',
    ...extraArgs,
  ];
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, STRATA_HOME: home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`strata ui printed no URL in 20 s; stderr: ${err}`)),
      20000,
    );
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    proc.on('exit', (code) => reject(new Error(`strata ui exited with ${code}: ${err}`)));
  });
  const m = /^Strata UI: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))$/.exec(firstLine);
  if (!m) throw new Error(`unexpected first line from strata ui: ${firstLine}`);
  return {
    url: m[1],
    origin: `http://127.0.0.1:${m[2]}`,
    port: Number(m[2]),
    token: m[3],
    projectDir: projectDir ?? '',
    home,
    proc,
    stderr: () => err,
  };
}

/**
 * Stops the host as Ctrl+C would. A host that ignores SIGTERM is a bug worth seeing, but not worth a
 * hung suite: after 5 s it is killed and the fact is printed with its stderr.
 */
export async function stopHost(host: RunningHost): Promise<void> {
  if (host.proc.exitCode === null && host.proc.signalCode === null) {
    const exited = new Promise((r) => host.proc.once('exit', r));
    host.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      console.warn(
        `strata ui (pid ${host.proc.pid}) did not exit within 5 s of SIGTERM; killing it. stderr: ${host.stderr()}`,
      );
      host.proc.kill('SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(host.home, { recursive: true, force: true });
}

/**
 * One host for a whole spec file, serving a fresh copy of the example; its tests run in order. The
 * returned object is filled in before the first test runs.
 */
export function exampleHostPerFile(): RunningHost {
  const host = {} as RunningHost;
  base.describe.configure({ mode: 'serial' });
  base.beforeAll(async () => {
    Object.assign(host, await startHost(copyProject(exampleDir)));
  });
  base.afterAll(async () => {
    await stopHost(host);
    fs.rmSync(host.projectDir, { recursive: true, force: true });
  });
  return host;
}

/** A test with a host serving a fresh copy of the bundled example project. */
export const test = base.extend<{ host: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads which fixtures a fixture needs from this pattern; it needs none.
  host: async ({}, use) => {
    const dir = copyProject(exampleDir);
    const host = await startHost(dir);
    await use(host);
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };

/** Where screenshots go for a person to look at; test-results/ is gitignored. */
export const screensDir = path.join(repoRoot, 'test-results', 'screens');

export function screenPath(name: string): string {
  fs.mkdirSync(screensDir, { recursive: true });
  return path.join(screensDir, `${name}.png`);
}

/** Signs the page in the way a person does: by opening the URL that `strata ui` printed. */
export async function signIn(page: import('@playwright/test').Page, host: RunningHost): Promise<void> {
  await page.goto(host.url);
  await page.waitForURL(`${host.origin}/`);
}

/** The nine sections of the app frame, in sidebar order, as the issue names them. */
export const sectionTitles = [
  'Runs',
  'Compare',
  'Data',
  'Models',
  'Pipelines',
  'Validation',
  'Drift',
  'Deploy',
  'Review',
] as const;

/**
 * A copy of the example with two real pipeline runs, the second with another learning rate, so the
 * runs differ in a param, their metrics and the model version each wrote. Returns the directory and
 * the run ids, oldest first.
 */
export function exampleWithTwoRuns(): { dir: string; ids: string[] } {
  const dir = copyProject(exampleDir);
  const strata = (...args: string[]) => {
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'strata.js'), ...args, '--project', dir],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`strata ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  strata('run');
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(
    params,
    fs.readFileSync(params, 'utf8').replace(/learning_rate: [\d.]+/, 'learning_rate: 0.05'),
  );
  strata('run');
  const runs = JSON.parse(strata('runs', '--json')) as { id: string; startedAt: string }[];
  return { dir, ids: runs.map((r) => r.id).reverse() };
}
