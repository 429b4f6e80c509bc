import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenPath, signIn, startHost, stopHost } from './fixtures.js';

// The jobs tray takes its own column instead of covering the page, speaks KiB/MiB like the rest of
// the app, and says what failed once; the Pipelines graph never contradicts the log beside it.

test('the open tray sits beside the section, never over it, and counts bytes in KiB/MiB', async ({
  page,
  host,
}) => {
  await signIn(page, host);
  await page.getByRole('button', { name: 'Scan workspace' }).click();
  const tray = page.getByTestId('jobs-tray');
  const job = tray.getByTestId('job').first();
  await expect(job).toHaveAttribute('data-state', 'done');
  await expect(job.locator('.job__detail')).toHaveText(/^\d+ files, [\d.]+ (KiB|MiB)$/);
  const t = (await tray.boundingBox())!;
  const main = (await page.locator('#section').boundingBox())!;
  expect(t.x, 'the tray starts where the section ends').toBeGreaterThanOrEqual(main.x + main.width - 1);
  await page.screenshot({ path: screenPath('jobs-tray-beside') });
  await tray.getByRole('button', { name: 'Hide jobs' }).click();
  await expect(tray).toHaveCount(0);
  expect((await page.locator('#section').boundingBox())!.width).toBeGreaterThan(main.width);
});

test('the Pipelines graph shows each stage as the log does, at every moment of a run', async ({
  page,
  host,
}) => {
  await signIn(page, host);
  await page.getByRole('navigation', { name: 'Sections' }).getByText('Pipelines', { exact: true }).click();
  await expect(page.getByTestId('dag-node-train')).toHaveAttribute('data-state', 'stale');
  // Every change of the page is checked as it happens: a stage whose output is in the log must not
  // be drawn as stale (or fresh from before) while it runs.
  await page.evaluate(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    new MutationObserver(() => {
      const log = document.querySelector('[data-testid=live-log]')?.textContent ?? '';
      for (const stage of ['prepare', 'train', 'evaluate']) {
        const state = document.querySelector(`[data-testid=dag-node-${stage}]`)?.getAttribute('data-state');
        if (new RegExp(`^${stage}: `, 'm').test(log) && state !== 'running' && state !== 'fresh')
          w.violations.push(`${stage} is ${state} while the log shows its output`);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.getByTestId('run-pipeline').click();
  await expect(page.getByTestId('live-run-status')).toHaveText('done', { timeout: 60000 });
  for (const stage of ['prepare', 'train', 'evaluate'])
    await expect(page.getByTestId(`dag-node-${stage}`)).toHaveAttribute('data-state', 'fresh');
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
});

test('a failed stage reads "stage boom failed: exit code 1" in the tray, whole', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-fail-'));
  fs.writeFileSync(
    path.join(dir, 'strata.yaml'),
    'name: failing\nstages:\n  boom:\n    cmd: node -e "process.exit(1)"\n',
  );
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page.getByRole('navigation', { name: 'Sections' }).getByText('Pipelines', { exact: true }).click();
    await page.getByTestId('run-pipeline').click();
    const job = page.getByTestId('jobs-tray').getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'failed', { timeout: 30000 });
    const detail = job.locator('.job__detail');
    await expect(detail).toHaveText('stage boom failed: exit code 1');
    // Shown whole: not cut off with an ellipsis.
    expect(await detail.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    await page.screenshot({ path: screenPath('jobs-tray-failed') });
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
