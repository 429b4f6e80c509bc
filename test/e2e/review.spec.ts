import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test,
  expect,
  copyProject,
  exampleDir,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
} from './fixtures.js';

// Reproduce from the run page, the Review section's lineage graph and verification, the exported
// review opened offline with every request blocked, and the same project open read-only.
test.describe.configure({ mode: 'serial' });

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: gitEnv, encoding: 'utf8' });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
const strata = (args: string[], cwd: string) =>
  sh(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], cwd);

let dir = '';
let runId = '';

test.beforeAll(() => {
  dir = copyProject(exampleDir);
  fs.writeFileSync(path.join(dir, '.gitignore'), '.strata/\ndata/\nmodels/\nreports/\n');
  sh('git', ['init', '-q'], dir);
  sh('git', ['add', '.'], dir);
  sh('git', ['commit', '-qm', 'example'], dir);
  strata(['run'], dir);
  runId = JSON.parse(strata(['runs', '--json'], dir))[0].id as string;
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const nav = (page: import('@playwright/test').Page, name: RegExp) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click();

test('Reproduce on the run page, lineage in Review, and an exported review that requests nothing', async ({
  page,
  browser,
}) => {
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await expect(page.getByTestId('scan-workspace')).toBeEnabled();
    await nav(page, /^Runs/);
    await page.getByTestId(`run-row-${runId}`).click();
    await page.getByTestId('reproduce').click();
    await expect(page.getByTestId('repro-badge')).toHaveText('reproduced exactly', { timeout: 90_000 });
    await page.getByTestId('reproduce-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenPath('review-run-reproduced') });
    await page.getByTestId('compare-reproduction').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Compare' })).toBeVisible();
    await expect(page.getByText('2 runs of churn-example; 2 shown, 2 selected')).toBeVisible();
    await page.screenshot({ path: screenPath('review-compare-reproduction') });

    await nav(page, /^Review/);
    const graph = page.getByTestId('lineage-graph');
    await expect(graph.locator(`[data-node="run:${runId}"]`)).toBeVisible();
    await expect(graph.locator('[data-node="version:customers@1"]')).toBeVisible();
    await expect(graph.locator('[data-node="version:model@1"]')).toBeVisible();
    await page.getByTestId('verify-start').click();
    await expect(page.getByTestId('verify-result')).toHaveText('all intact', { timeout: 30_000 });
    await page.screenshot({ path: screenPath('review-section'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByTestId('review-export').click();
    const html = fs.readFileSync((await (await download).path())!, 'utf8');

    // A node opens its page.
    await graph.locator(`[data-node="run:${runId}"]`).click();
    await expect(page.getByTestId('run-page')).toBeVisible();

    // The file, offline: every request is recorded and refused.
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const reader = await context.newPage();
    reader.on('request', (r) => requests.push(r.url()));
    await reader.setContent(html, { waitUntil: 'load' });
    await expect(reader.getByRole('heading', { level: 1 })).toHaveText(/^Review of /);
    await expect(reader.locator('.badge.pass').first()).toHaveText('reproduced exactly');
    for (const h of ['Reproduction', 'Code', 'Environment', 'Params', 'Data and model versions', 'Metrics'])
      await expect(reader.getByRole('heading', { level: 2, name: h, exact: true })).toBeVisible();
    await expect(reader.getByText('customers@1').first()).toBeVisible();
    await expect(reader.locator('figure svg polyline')).not.toHaveCount(0);
    await reader.screenshot({ path: screenPath('review-report'), fullPage: true });
    await reader.emulateMedia({ media: 'print' });
    await reader.screenshot({ path: screenPath('review-report-print'), fullPage: true });
    expect(requests).toEqual([]);
    await context.close();
  } finally {
    await stopHost(host);
  }
});

test('read-only review: the store is verified on open and nothing offers to change the project', async ({
  page,
}) => {
  const host = await startHost(dir, ['--read-only']);
  try {
    await signIn(page, host);
    await nav(page, /^Review/);
    await expect(page.getByText('Open read-only: nothing is written into the folder.')).toBeVisible();
    await expect(page.getByTestId('verify-result')).toHaveText('all intact', { timeout: 30_000 });
    await page.screenshot({ path: screenPath('review-read-only'), fullPage: true });
    await page.getByTestId('lineage-graph').locator(`[data-node="run:${runId}"]`).click();
    await expect(page.getByTestId('repro-badge')).toHaveText('reproduced exactly');
    await expect(page.getByTestId('export-review')).toBeVisible();
    await expect(page.getByTestId('reproduce')).toHaveCount(0);
    // The header's scan would be refused (READ_ONLY): it is off, and says why.
    const scan = page.getByTestId('scan-workspace');
    await expect(scan).toBeDisabled();
    await expect(scan).toHaveAttribute('title', /read-only review/);
  } finally {
    await stopHost(host);
  }
});
