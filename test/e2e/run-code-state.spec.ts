import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, repoRoot, screenPath, signIn, startHost, stopHost } from './fixtures.js';

// The run page says what a run recorded of its code: a 20 MB uncommitted change and an untracked file
// in a git project; "unknown" with the reason in a project without git. The CLI's --json is the
// reference for what the page must show.
test.describe.configure({ mode: 'serial' });

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
const strata = (args: string[], cwd: string) =>
  sh(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], cwd);

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-code-'));
  fs.writeFileSync(path.join(dir, 'strata.yaml'), 'stages:\n  train:\n    cmd: node train.mjs\n');
  fs.writeFileSync(path.join(dir, 'train.mjs'), 'console.log("trained");\n');
  return dir;
}

async function openRun(page: import('@playwright/test').Page, dir: string, runId: string) {
  const host = await startHost(dir);
  await signIn(page, host);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Runs/ }).click();
  await page.getByTestId(`run-row-${runId}`).click();
  await expect(page.getByTestId('run-status')).toHaveText('done');
  return host;
}

test('a 20 MB uncommitted change and an untracked file: recorded, and the run page says so', async ({
  page,
}) => {
  const dir = project();
  try {
    sh('git', ['init', '-q'], dir);
    sh('git', ['add', '.'], dir);
    sh('git', ['commit', '-qm', 'first'], dir);
    const commit = sh('git', ['rev-parse', 'HEAD'], dir).trim();
    const line = '// a long note on what was tried, repeated until the change is large\n';
    fs.appendFileSync(path.join(dir, 'train.mjs'), line.repeat(Math.ceil(20e6 / line.length)));
    fs.writeFileSync(path.join(dir, 'scratch.py'), 'print("an idea")\n');
    strata(['run'], dir);
    const runId = JSON.parse(strata(['runs', '--json'], dir))[0].id as string;
    const code = JSON.parse(strata(['show', runId, '--json'], dir)).code;
    expect(code).toMatchObject({ state: 'recorded', commit, untracked: { files: [{ path: 'scratch.py' }] } });
    expect(code.diff.bytes).toBeGreaterThan(20e6);

    const host = await openRun(page, dir, runId);
    try {
      const facts = page.getByTestId('run-code');
      await expect(facts).toHaveAttribute('data-state', 'recorded');
      await expect(page.getByTestId('git-commit')).toHaveText(commit);
      await expect(facts).toContainText(/uncommitted changes: 1 file, \d+ MiB diff \(stored\)/);
      await expect(facts).toContainText('untracked files: 1 kept (scratch.py)');
      await facts.getByText(/^The diff: its first 256 KiB of \d+ MiB$/).click();
      await expect(facts.locator('pre')).toContainText('the whole diff is in the object store');
      await facts.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenPath('run-code-recorded'), fullPage: true });
    } finally {
      await stopHost(host);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a project without git: the run page says the code state is unknown, and why', async ({ page }) => {
  const dir = project();
  try {
    strata(['run'], dir);
    const runId = JSON.parse(strata(['runs', '--json'], dir))[0].id as string;
    const host = await openRun(page, dir, runId);
    try {
      const facts = page.getByTestId('run-code');
      await expect(facts).toHaveAttribute('data-state', 'unknown');
      await expect(facts).toHaveText('Code state unknown (the project is not in a git repository)');
      await expect(facts).not.toContainText('no uncommitted changes');
      await facts.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenPath('run-code-unknown'), fullPage: true });
    } finally {
      await stopHost(host);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
