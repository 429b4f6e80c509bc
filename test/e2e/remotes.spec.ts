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
  // The example's customers table is watched: versioned here first, so that the app's watcher has
  // nothing new to record after Push all has listed what to send (it raced the push once, leaving
  // "1 to push" that was right but not what this test is about).
  for (const what of ['data/customers.csv', 'data/raw']) {
    const added = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'strata.js'), 'add', what, '--json'],
      {
        cwd: dir,
        env: { ...process.env, STRATA_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'strata-home-')) },
        encoding: 'utf8',
      },
    );
    expect(added.status, added.stderr).toBe(0);
  }
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    // The sidebar, not the shortcut: a key pressed while the page still loads is lost.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Data' }).click();
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

// A fresh clone (strata.yaml from git, an empty store): the Data section lists the version only the
// remote has; Check out names the contents to fetch and from where, and "Pull and check out" is one
// job that leaves the version's files in the workspace and the version in this store.
test('Data: checking out a version only on the remote offers to pull it, then does both', async ({
  page,
}) => {
  const a = copyProject(exampleDir);
  const nas = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-nas-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-home-'));
  const cli = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args, '--json'], {
      cwd,
      env: { ...process.env, STRATA_HOME: home },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  };
  fs.appendFileSync(path.join(a, 'strata.yaml'), `\nremotes:\n  nas:\n    type: folder\n    path: ${nas}\n`);
  const labels = 'id,label\n1,cat\n2,dog\n3,bird\n';
  fs.mkdirSync(path.join(a, 'data', 'raw'), { recursive: true });
  fs.writeFileSync(path.join(a, 'data', 'raw', 'labels.csv'), labels);
  fs.writeFileSync(path.join(a, 'data', 'raw', 'notes.txt'), 'collected on a Tuesday\n');
  cli(a, 'add', 'data/raw');
  cli(a, 'push', '--all');
  const b = copyProject(exampleDir);
  fs.copyFileSync(path.join(a, 'strata.yaml'), path.join(b, 'strata.yaml'));
  const host = await startHost(b);
  try {
    await signIn(page, host);
    // The sidebar, not the shortcut: a key pressed while the page still loads is lost.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Data' }).click();
    const main = page.getByRole('main', { name: 'Data' });
    await main.getByTestId('artifact-raw').click();
    const only = main.getByTestId('remote-only-1');
    await expect(only).toContainText('on nas', { timeout: 15000 });
    await only.getByRole('button', { name: 'Check out' }).click();
    const offer = main.getByTestId('pull-offer');
    await expect(offer).toContainText('2 contents');
    await expect(offer).toContainText('of raw@1 are only on remote nas');
    await page.screenshot({ path: screenPath('remotes-pull-offer'), fullPage: true });
    await offer.getByRole('button', { name: 'Pull and check out' }).click();
    await expect(main.getByTestId('versions-table')).toContainText('@1', { timeout: 30000 });
    await expect(main.getByTestId('remote-only')).toHaveCount(0);
    // One job did both (its label was the pull's, then the checkout's); the tray opens only for slow ones.
    if (!(await page.getByTestId('jobs-tray').isVisible())) await page.getByTestId('jobs-button').click();
    await expect(page.getByTestId('job').filter({ hasText: 'Checking out raw@1' })).toHaveCount(1);
    await expect(page.getByTestId('job').filter({ hasText: 'raw@1' }).first()).toHaveAttribute(
      'data-state',
      'done',
    );
    expect(fs.readFileSync(path.join(b, 'data', 'raw', 'labels.csv'), 'utf8')).toBe(labels);
    expect(fs.readFileSync(path.join(b, 'data', 'raw', 'notes.txt'), 'utf8')).toBe(
      'collected on a Tuesday\n',
    );
    await page.screenshot({ path: screenPath('remotes-pulled-checkout'), fullPage: true });
  } finally {
    await stopHost(host);
    for (const d of [a, b, nas, home]) fs.rmSync(d, { recursive: true, force: true });
  }
});
