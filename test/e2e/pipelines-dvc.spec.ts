import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DVC_STAGE_NAMES, writeDvcProject } from '../helpers/dvc-project.js';
import { test, expect, screenPath, signIn, startHost, stopHost } from './fixtures.js';

// A DVC 3 project (only dvc.yaml) opened in the real `strata ui`: the expanded foreach/matrix stages,
// the frozen stage shown as frozen (never run), desc and meta in the stage detail.
test('Pipelines shows a dvc.yaml as DVC expands it: generated stages, frozen, desc and meta', async ({
  page,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-dvc-'));
  writeDvcProject(dir);
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    for (const stage of DVC_STAGE_NAMES) await expect(page.getByTestId(`stage-row-${stage}`)).toBeVisible();
    await expect(page.getByTestId('dag-node-legacy')).toHaveAttribute('data-state', 'frozen');
    await expect(page.getByTestId('stage-row-legacy')).toContainText('frozen: not run (frozen: true)');
    await expect(page.getByTestId('stage-row-stamp')).toContainText('always');
    await expect(page.getByTestId('stage-row-prepare')).toContainText('Split the raw data.');

    await page.getByTestId('run-pipeline').click();
    await expect(page.getByTestId('live-run-status')).toHaveText('done', { timeout: 90000 });
    await expect(page.getByTestId('dag-node-sweep@adam-1.0')).toHaveAttribute('data-state', 'fresh');
    await expect(page.getByTestId('dag-node-legacy')).toHaveAttribute('data-state', 'frozen');
    expect(fs.readFileSync(path.join(dir, 'legacy/model.txt'), 'utf8')).toBe('kept by hand\n');

    await page.getByTestId('stage-row-prepare').click();
    await expect(page.getByTestId('stage-desc')).toContainText('Second line of the description.');
    await expect(page.getByTestId('stage-meta')).toContainText('"owner": "ml-team"');
    await page.getByTestId('stage-detail').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenPath('pipelines-dvc-detail') });
    await page.getByTestId('dag-node-legacy').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenPath('pipelines-dvc-frozen') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenPath('pipelines-dvc-frozen-dark') });
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
