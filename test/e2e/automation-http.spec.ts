import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { ctSklearnProject, pythonEnv, servedVersion } from '../helpers/ct-sklearn.js';
import {
  expect,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
  test,
  type RunningHost,
} from './fixtures.js';

/** Where the cycle's deploy step says the service answers. */
async function serviceUrl(cycle: Locator): Promise<string> {
  const text = (await cycle.getByTestId('ct-step-deploy').textContent()) ?? '';
  const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
  expect(m, text).not.toBeNull();
  return m![1];
}

test('Automation, every step: a new CSV batch → validated → retrained → gated → approved in the banner → promoted → the HTTP service answers with the new version; a rejected one and a failing CSV leave it serving', async ({
  page,
}) => {
  test.setTimeout(300000);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-ct-'));
  const p = ctSklearnProject(path.join(base, 'tumours'), { laterBatches: 2, ct: '  approval: promote\n' });
  const [second, third, bad] = p.incoming;
  const init = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), 'init', p.dir], {
    env: { ...process.env, STRATA_HOME: path.join(base, 'home') },
    encoding: 'utf8',
  });
  expect(init.status, init.stderr).toBe(0);
  let host: RunningHost | null = null;
  let lastUrl: string | undefined;
  try {
    host = await startHost(p.dir, [], { env: pythonEnv });
    await signIn(page, host);
    await page.keyboard.press('ControlOrMeta+5');
    const automation = page.getByTestId('automation');
    await expect(automation.getByTestId('ct-policy')).toContainText('A person approves before it promotes.');
    const cycles = automation.getByTestId('ct-cycle');
    const banner = page.getByTestId('ct-banner');

    // The watcher versions the first batch on open; its cycle waits for a person, in the banner.
    await expect(banner).toContainText('CT cycle 1 waits for approval', { timeout: 120000 });
    await expect(cycles.first()).toHaveAttribute('data-status', 'waiting');
    await banner.getByRole('button', { name: 'Approve' }).click();
    await expect(cycles.first()).toHaveAttribute('data-status', 'succeeded', { timeout: 60000 });
    const url1 = await serviceUrl(cycles.first());
    expect(await servedVersion(url1)).toBe('1');

    // A new batch lands in the watched folder: every step passes, a person approves, v2 serves.
    p.drop(second);
    await expect(banner).toContainText('CT cycle 2 waits for approval', { timeout: 120000 });
    await expect(cycles.first()).toContainText('batches@2');
    await page.screenshot({ path: screenPath('automation-http-waiting-light'), fullPage: true });
    await banner.getByRole('button', { name: 'Approve' }).click();
    await expect(cycles.first()).toHaveAttribute('data-status', 'succeeded', { timeout: 60000 });
    for (const step of ['validate', 'run', 'evaluate', 'gates', 'approval', 'promote', 'deploy'])
      await expect(cycles.first().getByTestId(`ct-step-${step}`)).toHaveAttribute('data-status', 'passed');
    await expect(cycles.first()).toContainText('model@2 promoted and serving on local');
    const url2 = await serviceUrl(cycles.first());
    lastUrl = url2;
    expect(await servedVersion(url2)).toBe('2');
    const infer = await fetch(`${url2}/v2/models/model/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP64', data: Array(30).fill(1) }],
      }),
    });
    expect(((await infer.json()) as { model_version: string }).model_version).toBe('2');
    await expect(automation.getByTestId('ct-champions').locator('tbody tr').first()).toContainText('cycle 2');

    // A third batch, rejected in the banner: champion and service stay on v2.
    p.drop(third);
    await expect(banner).toContainText('CT cycle 3 waits for approval', { timeout: 120000 });
    await banner.getByRole('button', { name: 'Reject' }).click();
    await expect(cycles.first()).toHaveAttribute('data-status', 'rejected', { timeout: 30000 });
    await expect(cycles.first().getByTestId('ct-step-promote')).toHaveAttribute('data-status', 'skipped');
    await expect(cycles.first()).toContainText('champion and deployments untouched');
    expect(await servedVersion(url2)).toBe('2');

    // A batch with a negative radius stops at validation: nothing trains, v2 still answers.
    p.drop(bad);
    await expect(cycles).toHaveCount(4, { timeout: 60000 });
    await expect(cycles.first()).toHaveAttribute('data-status', 'failed', { timeout: 60000 });
    await expect(cycles.first().getByTestId('ct-step-validate')).toHaveAttribute('data-status', 'failed');
    await expect(cycles.first().getByTestId('ct-step-run')).toHaveAttribute('data-status', 'skipped');
    await expect(banner).toContainText('CT cycle 4 failed');
    expect(await servedVersion(url2)).toBe('2');
    await expect(automation.getByTestId('ct-champions').locator('tbody tr').first()).toContainText('cycle 2');
    // The banner's link (and a desktop notification's click) opens the Automation view from anywhere.
    await page.keyboard.press('ControlOrMeta+1');
    await banner.getByRole('button', { name: 'Open automation' }).click();
    await expect(page).toHaveURL(/#pipelines\/automation$/);
    await expect(automation.getByTestId('ct-timeline')).toBeInViewport();
    await page.screenshot({ path: screenPath('automation-http-light'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenPath('automation-http-dark'), fullPage: true });
  } finally {
    if (host) await stopHost(host);
    fs.rmSync(base, { recursive: true, force: true });
  }
  // Quitting the app stopped the service it started.
  expect(lastUrl).toBeDefined();
  await expect(fetch(`${lastUrl}/v2/health/live`)).rejects.toThrow();
});
