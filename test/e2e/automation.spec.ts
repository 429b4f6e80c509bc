import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  copyProject,
  exampleDir,
  expect,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
  test,
  type RunningHost,
} from './fixtures.js';

const POLICY = `
validations:
  customers:
    rules:
      - { column: tenure_months, min: 0 }
gates:
  model:
    - { metric: "*accuracy", min: 0.5 }
targets:
  shelf: { type: folder, path: shelf }
ct:
  datasets: [customers]
  model: model
  promote: champion
  deploy: [shelf]
`;

test('Automation: new CSV → validate → retrain → gates → promote → deploy in the timeline; a bad CSV stops at validation', async ({
  page,
}) => {
  test.setTimeout(300000);
  const dir = copyProject(exampleDir);
  const home = fs.mkdtempSync(path.join(dir, '..', 'strata-ct-home-'));
  fs.mkdirSync(path.join(dir, 'shelf'));
  fs.appendFileSync(path.join(dir, 'strata.yaml'), POLICY);
  const init = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), 'init', dir], {
    env: { ...process.env, STRATA_HOME: home },
    encoding: 'utf8',
  });
  expect(init.status, init.stderr).toBe(0);
  let host: RunningHost | null = null;
  try {
    host = await startHost(dir);
    await signIn(page, host);
    await page.keyboard.press('ControlOrMeta+5');
    const automation = page.getByTestId('automation');
    await expect(automation.getByTestId('ct-policy')).toContainText(
      'A cycle starts on a new version of customers',
    );
    const cycles = automation.getByTestId('ct-cycle');
    // The watcher versions the CSV it finds on open: the first cycle makes the first champion.
    await expect(cycles.first()).toHaveAttribute('data-status', 'succeeded', { timeout: 120000 });

    const csv = path.join(dir, 'data', 'customers.csv');
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    const more = lines.slice(1, 201).map((l, i) => l.replace(/^\d+/, String(5000 + i)));
    fs.writeFileSync(`${csv}.part`, [...lines, ...more].join('\n') + '\n');
    fs.renameSync(`${csv}.part`, csv);
    await expect(cycles).toHaveCount(2, { timeout: 60000 });
    await expect(cycles.first()).toHaveAttribute('data-status', 'succeeded', { timeout: 120000 });
    for (const step of ['validate', 'run', 'evaluate', 'gates', 'promote', 'deploy'])
      await expect(cycles.first().getByTestId(`ct-step-${step}`)).toHaveAttribute('data-status', 'passed');
    await expect(cycles.first()).toContainText('model@2 promoted and serving on shelf');
    await expect(page.getByTestId('ct-banner')).toContainText('CT cycle 2 finished');
    expect(fs.readlinkSync(path.join(dir, 'shelf', 'current'))).toBe('model@2');
    await expect(automation.getByTestId('ct-champions')).toContainText('cycle 2');

    fs.writeFileSync(csv, [...lines, '9999,-4,20.5,1,month-to-month,0'].join('\n') + '\n');
    await expect(cycles).toHaveCount(3, { timeout: 60000 });
    await expect(cycles.first()).toHaveAttribute('data-status', 'failed', { timeout: 60000 });
    await expect(cycles.first().getByTestId('ct-step-validate')).toHaveAttribute('data-status', 'failed');
    await expect(cycles.first().getByTestId('ct-step-run')).toHaveAttribute('data-status', 'skipped');
    await expect(page.getByTestId('ct-banner')).toContainText('CT cycle 3 failed');
    expect(fs.readlinkSync(path.join(dir, 'shelf', 'current'))).toBe('model@2');
    await automation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenPath('automation-light'), fullPage: true });

    // The switch pauses the loop: a new CSV starts nothing.
    await automation.getByTestId('ct-switch').click();
    await expect(automation).toContainText('Paused: triggers are ignored');
    fs.writeFileSync(csv, [...lines, ...more.slice(0, 50)].join('\n') + '\n');
    await page.waitForTimeout(3000);
    await expect(cycles).toHaveCount(3);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenPath('automation-dark'), fullPage: true });
  } finally {
    if (host) await stopHost(host);
  }
});
