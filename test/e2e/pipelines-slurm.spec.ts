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

const cluster =
  process.env.SLURM_CONF && fs.existsSync(process.env.SLURM_CONF) ? process.env.SLURM_CONF : null;

// On the single-node cluster test/servers/slurm.sh starts (SLURM_CONF set): a SLURM stage submitted
// behind its upstream's job is shown queued, in Pipelines and on the run's page, until it runs.
test('a SLURM stage queued behind its upstream job shows as queued (Pipelines and its run), then runs', async ({
  page,
}) => {
  test.skip(!cluster, 'no SLURM cluster (start one with test/servers/slurm.sh start and export SLURM_CONF)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-slurm-'));
  fs.writeFileSync(path.join(dir, 'in.txt'), 'data');
  const job = `    executor: slurm
    slurm: { partition: debug, time: 5, cpus: 1, mem: 100 }`;
  fs.writeFileSync(
    path.join(dir, 'strata.yaml'),
    `stages:
  prepare:
    cmd: cp in.txt prepared.txt
    deps: [in.txt]
    outs: [prepared.txt]
  train:
${job}
    cmd: sleep 10; cp prepared.txt model.txt
    deps: [prepared.txt]
    outs: [model.txt]
  evaluate:
${job}
    cmd: wc -c < model.txt > score.txt
    deps: [model.txt]
    outs: [score.txt]
`,
  );
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    await page.getByTestId('run-pipeline').click();
    const evaluate = page.getByTestId('stage-row-evaluate');
    await expect(evaluate.locator('.rn-status')).toHaveText('queued', { timeout: 30000 });
    await expect(evaluate).toContainText(/SLURM job \d+ submitted behind stage train \(job \d+\)/);
    await expect(page.getByTestId('stage-row-train').locator('.rn-status')).toHaveText('running');
    await page.screenshot({ path: screenPath('pipelines-slurm-queued') });
    const runId = await page.locator('.pl-live h2 code').textContent();
    await page.goto(`${host.origin}/#runs/${runId}`);
    const stages = page.getByTestId('run-stages');
    await expect(stages.locator('tr', { hasText: 'evaluate' }).locator('.rn-status')).toHaveText('queued');
    await page.screenshot({ path: screenPath('run-slurm-queued') });
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    await expect(evaluate.locator('.rn-status')).toHaveText('fresh', { timeout: 60000 });
    expect(fs.readFileSync(path.join(dir, 'score.txt'), 'utf8').trim()).toBe('4');
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
