import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  copyProject,
  expect,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
  test,
  type RunningHost,
} from './fixtures.js';

// Debian's python3 has scikit-learn; a pyenv python3 first on PATH may not.
const env = { PATH: `/usr/bin:${process.env.PATH}`, STRATA_PYTHON: '/usr/bin/python3' };
const sklearnExample = path.join(repoRoot, 'resources', 'examples', 'sklearn');

function strata(dir: string, home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], {
    cwd: dir,
    env: { ...process.env, ...env, STRATA_HOME: home },
    encoding: 'utf8',
    timeout: 180000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function shots(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: screenPath(`${name}-${colorScheme}`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function predict(url: string): Promise<number[]> {
  // The first test row of the example's data without its label: 30 features.
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    body: JSON.stringify({ rows: [Array(30).fill(1)] }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { predictions: number[] }).predictions;
}

test('Deploy: the example model from Models to a local service, called, a second version, rollback, stop; a failing gate blocks; a service kept running outlives the app', async ({
  page,
}) => {
  test.setTimeout(300000);
  const dir = copyProject(sklearnExample);
  const home = fs.mkdtempSync(path.join(dir, '..', 'strata-deploy-home-'));
  let host: RunningHost | null = null;
  try {
    expect(strata(dir, home, 'init').code).toBe(0);
    const first = strata(dir, home, 'run');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    fs.writeFileSync(
      path.join(dir, 'params.yaml'),
      fs.readFileSync(path.join(dir, 'params.yaml'), 'utf8').replace('epochs: 30', 'epochs: 5'),
    );
    const second = strata(dir, home, 'run');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    fs.appendFileSync(
      path.join(dir, 'strata.yaml'),
      `
targets:
  local:
    type: http
    python: /usr/bin/python3
  spare:
    type: http
    python: /usr/bin/python3
gates:
  model:
    - { metric: test.auc, min: 0.999 }
`,
    );
    host = await startHost(dir, [], { env });
    await signIn(page, host);
    await page.keyboard.press('ControlOrMeta+4');
    const models = page.getByRole('main', { name: 'Models' });
    await models.getByTestId('version-row-1').click();

    // Gates: version 1 fails test.auc >= 0.999, so Deploy waits for a reason.
    await models.getByTestId('deploy-1').click();
    const dialog = page.getByTestId('deploy-dialog');
    await expect(dialog.getByTestId('deploy-gates')).toHaveAttribute('data-status', 'fail');
    await expect(dialog.getByTestId('deploy-go')).toBeDisabled();
    await dialog.getByTestId('deploy-override').fill('first service for the demo');
    await page.screenshot({ path: screenPath('deploy-dialog-light') });
    await dialog.getByTestId('deploy-go').click();
    await expect(dialog.getByTestId('deploy-result')).toContainText('model@1 is live on local', {
      timeout: 60000,
    });
    const url1 = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(
      (await dialog.getByTestId('deploy-result').textContent()) ?? '',
    )![1];
    expect(await predict(url1)).toHaveLength(1);
    await page.screenshot({ path: screenPath('deploy-dialog-done-light') });
    await dialog.getByLabel('Close').click();

    await models.getByTestId('deploy-2').click();
    await dialog.getByTestId('deploy-override').fill('second version');
    await dialog.getByTestId('deploy-go').click();
    await expect(dialog.getByTestId('deploy-result')).toContainText('model@2 is live on local', {
      timeout: 60000,
    });
    await dialog.getByLabel('Close').click();

    await page.keyboard.press('ControlOrMeta+8');
    const deploy = page.getByRole('main', { name: 'Deploy' });
    await expect(deploy.getByTestId('now-local')).toContainText('model@2');
    await expect(deploy.getByTestId('health-local')).toHaveText('healthy');
    await expect(deploy.getByTestId('stats-local')).toContainText(/\d+ requests? · 0 errors/);
    await expect(deploy.getByTestId('history-local').locator('tbody tr')).toHaveCount(2);
    await shots(page, 'deploy-section');

    await deploy.getByTestId('rollback-local').click();
    await expect(deploy.getByTestId('now-local')).toContainText('model@1', { timeout: 60000 });
    await expect(deploy.getByTestId('health-local')).toHaveText('healthy');
    const listed = JSON.parse(strata(dir, home, 'deployments', '--json').stdout);
    expect(listed.targets[0].current).toMatchObject({ version: 1, action: 'rollback' });
    expect(await predict(listed.targets[0].current.url)).toHaveLength(1);
    await shots(page, 'deploy-rolled-back');

    await deploy.getByTestId('stop-local').click();
    await expect(deploy.getByTestId('now-local')).toContainText('Nothing deployed.');
    await expect(fetch(`${listed.targets[0].current.url}/v2/health/ready`)).rejects.toThrow();
    await shots(page, 'deploy-stopped');

    // Keep running: the dialog's switch marks a service to outlive the app; one deployed without it
    // stops when the app quits.
    await page.keyboard.press('ControlOrMeta+4');
    await models.getByTestId('deploy-2').click();
    await expect(dialog.getByTestId('deploy-keep-running')).not.toBeChecked();
    await dialog.getByTestId('deploy-keep-running').check();
    await dialog.getByTestId('deploy-override').fill('kept up for the demo');
    await page.screenshot({ path: screenPath('deploy-dialog-keep-running-light') });
    await dialog.getByTestId('deploy-go').click();
    await expect(dialog.getByTestId('deploy-result')).toContainText('model@2 is live on local', {
      timeout: 60000,
    });
    await dialog.getByLabel('Close').click();
    await models.getByTestId('deploy-2').click();
    await dialog.getByTestId('deploy-target').selectOption('spare');
    await expect(dialog.getByTestId('deploy-keep-running')).not.toBeChecked();
    await dialog.getByTestId('deploy-override').fill('not kept');
    await dialog.getByTestId('deploy-go').click();
    await expect(dialog.getByTestId('deploy-result')).toContainText('model@2 is live on spare', {
      timeout: 60000,
    });
    await dialog.getByLabel('Close').click();
    await page.keyboard.press('ControlOrMeta+8');
    await expect(deploy.getByTestId('kept-local')).toHaveText('keeps running after Strata quits');
    await expect(deploy.getByTestId('now-spare')).toContainText('model@2');
    await expect(deploy.getByTestId('kept-spare')).toHaveCount(0);
    await shots(page, 'deploy-kept-running');
    const now = JSON.parse(strata(dir, home, 'deployments', '--json').stdout) as {
      targets: { name: string; current: { url: string; keepRunning: boolean } }[];
    };
    const [kept, spare] = ['local', 'spare'].map((n) => now.targets.find((x) => x.name === n)!.current);
    expect([kept.keepRunning, spare.keepRunning]).toEqual([true, false]);
    await stopHost(host);
    host = null;
    expect(await predict(kept.url)).toHaveLength(1);
    await expect(fetch(`${spare.url}/v2/health/ready`)).rejects.toThrow();
  } finally {
    if (host) await stopHost(host);
    strata(dir, home, 'undeploy', '--target', 'local');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
});
