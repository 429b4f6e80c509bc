import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  test,
  expect,
  copyProject,
  exampleDir,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
} from './fixtures.js';

// A folder remote declared in strata.yaml: the Data section lists it with what each side has, and
// Push all sends every version (a job, its bytes in the jobs tray), after which nothing is left to push.
test('Data: a remote shows what is only here, and Push all sends it', async ({ page }) => {
  const dir = copyProject(exampleDir);
  const nas = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-nas-'));
  fs.appendFileSync(
    path.join(dir, 'strata.yaml'),
    `\nremotes:\n  nas:\n    type: folder\n    path: ${nas}\n`,
  );
  fs.mkdirSync(path.join(dir, 'data', 'raw'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'raw', 'labels.csv'), 'id,label\n1,cat\n2,dog\n');
  const added = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin', 'strata.js'), 'add', 'data/raw', '--json'],
    {
      cwd: dir,
      env: { ...process.env, STRATA_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'strata-home-')) },
      encoding: 'utf8',
    },
  );
  expect(added.status, added.stderr).toBe(0);
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page.keyboard.press('ControlOrMeta+3');
    const main = page.getByRole('main', { name: 'Data' });
    const row = main.getByTestId('remote-nas');
    await expect(row.getByTestId('remote-summary')).toContainText('to push', { timeout: 15000 });
    await expect(row).toContainText(nas);
    await page.screenshot({ path: screenPath('remotes-before-push'), fullPage: true });
    await row.getByRole('button', { name: 'Push all' }).click();
    await expect(row.getByTestId('remote-summary')).not.toContainText('to push', { timeout: 30000 });
    await expect(row.getByRole('button', { name: 'Push all' })).toBeDisabled();
    expect(fs.readdirSync(path.join(nas, 'versions'))).toContain('raw');
    await page.screenshot({ path: screenPath('remotes-after-push'), fullPage: true });
  } finally {
    await stopHost(host);
    fs.rmSync(nas, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
