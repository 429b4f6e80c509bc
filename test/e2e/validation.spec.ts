import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, repoRoot, screenPath, signIn, type RunningHost } from './fixtures.js';

/** The real `strata` CLI on the host's project, in its own process. */
function strata(
  host: RunningHost,
  ...args: string[]
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], {
    cwd: host.projectDir,
    env: { ...process.env, STRATA_HOME: host.home },
    encoding: 'utf8',
    timeout: 120000,
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

const rules = `
validations:
  customers:
    columns: [customer_id, tenure_months, monthly_charges, support_calls, contract, churned]
    rules:
      - { column: customer_id, unique: true }
      - { column: tenure_months, min: 0, max: 120 }
      - { column: contract, allowed: [month-to-month, one-year, two-year] }
      - { column: monthly_charges, not_null: true, severity: warn }
      - { row_count: { within_pct: 50 } }
      - { column: tenure_months, drift: { psi: 0.25 } }
gates:
  model:
    - { metric: test.accuracy, min: 0.99 }
`;

test('Validation: a passing and a failing version, their profiles, the HTML export offline; gate status in Models', async ({
  page,
  host,
}) => {
  test.setTimeout(180000);
  const yamlFile = path.join(host.projectDir, 'strata.yaml');
  fs.appendFileSync(yamlFile, rules);
  const csv = path.join(host.projectDir, 'data', 'customers.csv');
  expect(strata(host, 'add', 'data/customers.csv').code).toBe(0);
  const pass = strata(host, 'validate', 'customers@1');
  expect(pass.code, pass.stdout + pass.stderr).toBe(0);
  // The pipeline runs on the passing version (it validates customers first) and makes a model version.
  const run = strata(host, 'run');
  expect(run.code, run.stdout + run.stderr).toBe(0);

  // Version 2: a negative tenure, an unknown contract, a repeated id and an empty charge.
  const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
  lines[5] = lines[5].replace(/^(\d+),\d+,/, '$1,-3,');
  lines[9] = lines[9].replace('month-to-month', 'weekly').replace('one-year', 'weekly');
  lines.push(lines[3]);
  lines[12] = lines[12].replace(/^(\d+,\d+),[\d.]+,/, '$1,,');
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  expect(strata(host, 'add', 'data/customers.csv').code).toBe(0);

  await signIn(page, host);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+6');
  const main = page.getByRole('main', { name: 'Validation' });
  await expect(main.getByTestId('version-1')).toHaveAttribute('data-status', 'pass');
  // Version 2 may already be validated: the app's watcher records the edited (watched) file too, and
  // every new version is validated as it is recorded. Either way it is validated (again) from the page.
  await main.getByTestId('version-2').click();
  await main.getByTestId('validate').click();
  await expect(main.getByTestId('version-2')).toHaveAttribute('data-status', 'fail', { timeout: 20000 });
  await expect(main.getByTestId('report-status')).toHaveText('fail');
  const checks = main.getByTestId('report').getByTestId('check');
  await expect(checks).toHaveCount(7);
  const failing = main.getByTestId('report').locator('[data-testid="check"][data-status="fail"]');
  await expect(failing).toHaveCount(3);
  await expect(failing.filter({ hasText: 'tenure_months between 0 and 120' })).toContainText(
    'row 5 tenure_months=-3',
  );
  await expect(failing.filter({ hasText: 'customer_id is unique' })).toContainText('1 of 801');
  await expect(main.locator('[data-testid="check"][data-status="warn"]')).toContainText(
    'row 12 monthly_charges=null',
  );
  await expect(main.getByTestId('profiles').getByTestId('profile-column')).toHaveCount(6);
  await expect(main.getByTestId('profiles')).toContainText('outline: @1');
  await expect(main.getByTestId('trend')).toBeVisible();
  // The model's gates, beside the champion's values (none yet).
  await expect(main.getByTestId('gates-model').getByTestId('gate')).toHaveAttribute('data-status', 'fail');
  await expect(main.getByTestId('gates-model')).toContainText('no champion yet');
  await shots(page, 'validation-failing');
  await main.getByTestId('profiles').screenshot({ path: screenPath('validation-profiles-light') });
  await main.getByTestId('gates').screenshot({ path: screenPath('validation-gates-light') });
  const [gatesDownload] = await Promise.all([
    page.waitForEvent('download'),
    main.getByTestId('export-gates-model').click(),
  ]);
  expect(gatesDownload.suggestedFilename()).toBe('gates-model-1.html');
  const gatesHtml = fs.readFileSync((await gatesDownload.path())!, 'utf8');
  expect(gatesHtml).toContain('test.accuracy = 0.');
  expect(gatesHtml).not.toMatch(/<script|https?:\/\//i);

  await main.getByTestId('version-1').click();
  await expect(main.getByTestId('report-status')).toHaveText('pass');
  await shots(page, 'validation-passing');

  // The export is one file that renders with the network off.
  await main.getByTestId('version-2').click();
  await expect(main.getByTestId('report-status')).toHaveText('fail');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    main.getByTestId('export-html').click(),
  ]);
  const file = path.join(host.home, 'validation-export.html');
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe('validation-customers-2.html');
  const html = fs.readFileSync(file, 'utf8');
  expect(html).not.toMatch(/<script|https?:\/\//i);
  expect(fs.statSync(file).size).toBeLessThan(200_000);
  const offline = await page.context().newPage();
  await page.context().setOffline(true);
  await offline.goto(`file://${file}`);
  await expect(offline.getByRole('heading', { level: 1 })).toHaveText(
    'Validation of customers@2 (customers)',
  );
  await expect(offline.locator('svg')).toHaveCount(6);
  await offline.screenshot({ path: screenPath('validation-export-light'), fullPage: true });
  await offline.close();
  await page.context().setOffline(false);

  // Models: the pipeline's model version fails its gate, shown beside its aliases.
  await page.keyboard.press('ControlOrMeta+4');
  const models = page.getByRole('main', { name: 'Models' });
  await expect(models.getByTestId('gates-1')).toHaveAttribute('data-status', 'fail');
  await expect(models.getByTestId('gates-1')).toHaveText('1 gate fails');
  await models.getByTestId('promote-1').click();
  await expect(models.getByTestId('error-notice')).toContainText(
    'model@1 fails its gates, so it cannot become champion',
  );
  await models.getByTestId('override-reason').fill('demo for the team');
  await models.getByTestId('override').click();
  await expect(models.getByTestId('gates-1')).toContainText('overridden');
  await expect(models.getByTestId('version-row-1').getByTestId('alias')).toHaveText('champion');
  await shots(page, 'models-gates');

  // The run validated its input first: a step of its own in the run's record.
  const [firstRun] = JSON.parse(strata(host, 'runs', '--json').stdout) as { id: string }[];
  await page.keyboard.press('ControlOrMeta+1');
  await page.getByTestId(`run-row-${firstRun.id}`).click();
  const stages = page.getByTestId('run-stages');
  await expect(stages).toContainText('validate:prepare');
  await expect(stages).toContainText('data/customers.csv@1 pass');
  await stages.screenshot({ path: screenPath('validation-run-step-light') });
});
