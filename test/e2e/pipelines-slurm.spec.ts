import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenPath, signIn, startHost, stopHost } from './fixtures.js';

// A pipeline mixing a local stage and an `executor: slurm` one: Pipelines marks the SLURM stage and
// names the sbatch options its resources become (no cluster needed to show the plan).
test('Pipelines marks a stage with executor: slurm and shows its sbatch options', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-slurm-'));
  fs.writeFileSync(path.join(dir, 'in.txt'), 'data');
  fs.writeFileSync(
    path.join(dir, 'strata.yaml'),
    `stages:
  prepare:
    cmd: cp in.txt prepared.txt
    deps: [in.txt]
    outs: [prepared.txt]
  train:
    executor: slurm
    slurm: { partition: gpu, time: "2:00:00", cpus: 8, mem: 32G, gres: "gpu:1" }
    cmd: python train.py
    deps: [prepared.txt]
    outs: [model.pkl]
`,
  );
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    await expect(page.getByTestId('stage-row-prepare')).toBeVisible();
    await expect(page.getByTestId('stage-slurm-prepare')).toHaveCount(0);
    const badge = page.getByTestId('stage-slurm-train');
    await expect(badge).toHaveText('slurm');
    await expect(badge).toHaveAttribute(
      'title',
      'runs as a SLURM job: sbatch --partition=gpu --time=2:00:00 --cpus-per-task=8 --mem=32G --gres=gpu:1',
    );
    await page.screenshot({ path: screenPath('pipelines-slurm') });
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
