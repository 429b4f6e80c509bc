import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenPath, signIn, startHost, stopHost, type RunningHost } from './fixtures.js';

// The scan must run long enough to press Cancel while it runs, even on a busy 2-core machine where a click
// can take a second to land: 20k files in one folder are walked in ~0.2 s. So the files sit 48 folders
// deep (every stat resolves the whole path, ~4× the cost of a shallow one) and there are 150k of them,
// about 3 s of walking. They are hard links, one inode per folder (ext4 caps links at 65,000): ~20× faster
// to create than new files on a busy disk, and each is still a directory entry the walk must stat.
const DEPTH = 48;
const DIRS = 150;
const PER_DIR = 1000;
const FILES = DIRS * PER_DIR + 1; // + strata.yaml

test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-jobs-'));
  fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: many-files\n');
  for (let d = 0; d < DIRS; d++) {
    const sub = path.join(dir, ...Array.from({ length: DEPTH }, (_, k) => `level-${k}`), `part-${d}`);
    fs.mkdirSync(sub, { recursive: true });
    const first = path.join(sub, 'f0.txt');
    fs.writeFileSync(first, 'x');
    for (let i = 1; i < PER_DIR; i++) fs.linkSync(first, path.join(sub, `f${i}.txt`));
  }
  host = await startHost(dir);
});
test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function engineJobs(page: import('@playwright/test').Page) {
  const res = await page.request.post(`${host.origin}/api/call/jobs.list`, { data: {} });
  expect(res.status()).toBe(200);
  return (
    (await res.json()) as {
      result: { id: string; state: string; done: number; error: { code: string } | null }[];
    }
  ).result;
}

test('a workspace scan shows progress in the jobs tray and can be cancelled', async ({ page }) => {
  await signIn(page, host);
  await expect(page.getByTestId('jobs-button')).toHaveText('No jobs running');
  await page.getByRole('button', { name: 'Scan workspace' }).click();

  const job = page.getByTestId('jobs-tray').getByTestId('job').first();
  // Cancel first, while the walk surely runs; the running state is looked at closely in the next test.
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveAttribute('data-state', 'cancelled');
  await expect(job.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByTestId('jobs-button')).toHaveText('No jobs running');
  const id = await job.getAttribute('data-job-id');
  const recorded = (await engineJobs(page)).find((j) => j.id === id)!;
  expect(recorded.state).toBe('cancelled');
  expect(recorded.done).toBeLessThan(FILES);
  await expect(job).toContainText(`cancelled after ${recorded.done.toLocaleString('en-US')} files`);
  await page.screenshot({ path: screenPath('jobs-cancelled') });
});

test('a scan left to finish reports the real file count, and the tray is rebuilt from jobs.list after a reload', async ({
  page,
}) => {
  await signIn(page, host);
  await page.getByRole('button', { name: 'Scan workspace' }).click();
  const job = page.getByTestId('jobs-tray').getByTestId('job').first();
  const bar = job.getByRole('progressbar');
  await expect(bar).toBeVisible();
  // The walk cannot know how many files there are until it ends: the bar says so instead of inventing a percentage.
  await expect(bar).toHaveClass(/progress--indeterminate/);
  await expect(job).toContainText('Scanning many-files');
  await expect(page.getByTestId('jobs-button')).toHaveText('1 job running');
  await page.screenshot({ path: screenPath('jobs-running') });
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30000 });
  await expect(job).toContainText(`${FILES.toLocaleString('en-US')} files`);

  await page.reload();
  await expect(page.getByTestId('jobs-tray')).toHaveCount(0);
  await page.getByTestId('jobs-button').click();
  const rows = page.getByTestId('jobs-tray').getByTestId('job');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-state', 'done');
  await expect(rows.nth(1)).toHaveAttribute('data-state', 'cancelled');
  await page.screenshot({ path: screenPath('jobs-finished') });

  await page.getByRole('button', { name: 'Clear finished' }).click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId('jobs-tray')).toContainText('shows its progress here');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('jobs-tray')).toHaveCount(0);
});
