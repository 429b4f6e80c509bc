import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenPath, signIn } from './fixtures.js';
import { writeExperiment, writeRun } from '../helpers/mlflow-fixture.js';

// Import from MLflow… in the Runs header: a folder in MLflow's layout comes in as a job with
// progress, its report (and a malformed file, named) is shown, and the runs join the runs table.
test('Runs imports an mlruns folder with progress, names its malformed file, and lists the runs', async ({
  page,
  host,
}) => {
  const mlruns = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-mlruns-'));
  try {
    writeExperiment(mlruns, { id: '1', name: 'churn' });
    for (const [i, lr] of ['0.1', '0.3'].entries())
      writeRun(mlruns, {
        id: `${i}`.repeat(32),
        experimentId: '1',
        name: `mlflow-${lr}`,
        status: 'FINISHED',
        startTime: 1_700_000_000_000 + i,
        endTime: 1_700_000_060_000,
        params: { lr },
        metrics: { acc: [{ timestamp: 1_700_000_000_000, value: 0.8 + i / 10, step: 0 }] },
      });
    const broken = path.join(mlruns, '1', 'f'.repeat(32), 'meta.yaml');
    fs.mkdirSync(path.dirname(broken));
    fs.writeFileSync(broken, 'run_id: [\n');

    await signIn(page, host);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Runs/ }).click();
    await page.getByTestId('import-mlflow').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-folder').fill(mlruns);
    await dialog.getByTestId('import-go').click();
    await expect(dialog.getByTestId('import-progress')).toHaveAttribute('data-state', 'done');
    await expect(dialog.getByTestId('import-result')).toContainText('Imported 2 runs (2 new, 0 updated)');
    await expect(dialog.getByTestId('import-problems')).toContainText(broken);
    await page.screenshot({ path: screenPath('runs-import-mlflow') });

    await dialog.getByRole('button', { name: /close/i }).click();
    const table = page.getByTestId('runs-table');
    await expect(table.locator('[role=row][data-run-id]')).toHaveCount(2);
    await expect(table).toContainText('mlflow-0.3');
  } finally {
    fs.rmSync(mlruns, { recursive: true, force: true });
  }
});
