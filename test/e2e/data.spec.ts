import fs from 'node:fs';
import path from 'node:path';
import { test, expect, screenPath, signIn } from './fixtures.js';

// The example declares customers (data/customers.csv) with watch: true, prepared, and a model.
test('Data: versions, files, a tabular diff, one-click promote, and live versions from the watcher', async ({
  page,
  host,
}) => {
  await signIn(page, host);
  // The shortcut works once the frame is up; a key pressed while the page still loads is lost.
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+3');
  const main = page.getByRole('main', { name: 'Data' });
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('Data');

  // The watcher records the watched dataset's current content when the project opens.
  await main.getByTestId('artifact-customers').click();
  await expect(main.getByTestId('version-row-1')).toBeVisible({ timeout: 15000 });
  await expect(main.getByTestId('version-row-1')).toContainText('watch');
  await expect(main.getByTestId('version-files')).toContainText('data/customers.csv');

  // An edit on disk becomes version 2 while the page is open: no reload.
  const csv = path.join(host.projectDir, 'data', 'customers.csv');
  const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
  const edited = [
    `${lines[0]},segment`,
    ...lines.slice(1).map((l, i) => `${l},${i % 3 === 0 ? 'smb' : 'enterprise'}`),
    '9999,1,20.5,0,month-to-month,0,smb',
  ];
  fs.writeFileSync(csv, edited.join('\n') + '\n');
  await expect(main.getByTestId('version-row-2')).toBeVisible({ timeout: 15000 });

  // The diff of @1 → @2 (the default pair: the two newest) shows the schema and row-count change.
  const diff = main.getByTestId('diff-panel');
  await expect(diff.getByTestId('diff-summary')).toContainText('0 added, 0 removed, 1 changed, 0 unchanged');
  await expect(main.getByText('Changes @1 → @2')).toBeVisible();
  await expect(diff.getByTestId('diff-file')).toContainText('data/customers.csv');
  await expect(diff.getByTestId('row-change')).toContainText('rows 800 → 801');
  await expect(diff.getByTestId('row-change')).toContainText('(+1)');
  await expect(diff.getByTestId('schema-change')).toContainText('+ column segment');
  await expect(diff.locator('tr', { hasText: 'segment' })).toContainText('string · 0 null · 2 distinct');
  await page.screenshot({ path: screenPath('data-diff') });

  // One click promotes @1 to the alias; promoting @2 moves it.
  await main.getByLabel('alias to promote').fill('prod');
  await main.getByTestId('promote-1').click();
  await expect(main.getByTestId('version-row-1').getByTestId('alias')).toHaveText(['prod']);
  await main.getByTestId('promote-2').click();
  await expect(main.getByTestId('version-row-2').getByTestId('alias')).toHaveText(['prod']);
  await expect(main.getByTestId('version-row-1').getByTestId('alias')).toHaveCount(0);

  // Checking out @1 restores the file; the watcher sees content that is already a version, not a new one.
  await main.getByTestId('version-row-1').click();
  await expect(main.getByTestId('version-files')).toContainText('@1');
  await main.getByTestId('checkout').click();
  await expect.poll(() => fs.readFileSync(csv, 'utf8').split('\n')[0], { timeout: 10000 }).toBe(lines[0]);
  await page.waitForTimeout(1500);
  await expect(main.getByTestId('version-row-3')).toHaveCount(0);
  await page.screenshot({ path: screenPath('data-versions') });
});

test('Data: version a folder from the UI with progress in the jobs tray; Models lists the model', async ({
  page,
  host,
}) => {
  const prepared = path.join(host.projectDir, 'data', 'prepared');
  fs.mkdirSync(path.join(prepared, 'splits'), { recursive: true });
  fs.writeFileSync(path.join(prepared, 'train.jsonl'), '{"x":1,"y":0}\n{"x":2,"y":1}\n');
  fs.writeFileSync(path.join(prepared, 'splits', 'test.csv'), 'x,y\n3,1\n');
  await signIn(page, host);
  // The shortcut works once the frame is up; a key pressed while the page still loads is lost.
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+3');
  const main = page.getByRole('main', { name: 'Data' });
  await main.getByTestId('add-artifact').click();
  await main.getByLabel('Path in the project').fill('data/prepared');
  await main.getByLabel('Message (optional)').fill('first split');
  await main.getByRole('button', { name: 'Record version' }).click();
  await main.getByTestId('artifact-prepared').click();
  await expect(main.getByTestId('version-row-1')).toContainText('first split', { timeout: 15000 });
  await expect(main.getByTestId('version-row-1')).toContainText('manual');
  // Hashing ran as a job: the tray lists it, finished. The tray opens by itself when it sees the job
  // running, which a fast job may not be by then; the version is recorded, so nothing opens it later.
  if ((await page.getByTestId('jobs-tray').count()) === 0) await page.getByTestId('jobs-button').click();
  await expect(
    page.getByTestId('jobs-tray').getByTestId('job').filter({ hasText: 'Versioning data/prepared' }),
  ).toHaveAttribute('data-state', 'done');
  await page.getByRole('button', { name: 'Hide jobs' }).click();
  const tree = main.getByTestId('file-tree');
  await expect(tree.getByTestId('tree-row')).toHaveText([/^splits\//, /^test\.csv/, /^train\.jsonl/]);
  await page.screenshot({ path: screenPath('data-tree') });

  // An edit that is in no version is not overwritten by a checkout without asking.
  fs.writeFileSync(path.join(prepared, 'train.jsonl'), '{"x":1,"y":0}\n');
  await main.getByTestId('checkout').click();
  await expect(main.getByTestId('error-notice')).toContainText('has changes that are in no version');
  await expect
    .poll(() => fs.readFileSync(path.join(prepared, 'train.jsonl'), 'utf8'))
    .toBe('{"x":1,"y":0}\n');
  await main.getByTestId('checkout-force').click();
  await expect
    .poll(() => fs.readFileSync(path.join(prepared, 'train.jsonl'), 'utf8'), { timeout: 10000 })
    .toBe('{"x":1,"y":0}\n{"x":2,"y":1}\n');

  // A path outside the project is refused with a clear message, and nothing is recorded.
  await main.getByTestId('add-artifact').click();
  await main.getByLabel('Path in the project').fill('../../etc/passwd');
  await main.getByRole('button', { name: 'Record version' }).click();
  await expect(main.getByTestId('add-form').getByTestId('error-notice')).toContainText('outside the project');

  await page.keyboard.press('ControlOrMeta+4');
  const models = page.getByRole('main', { name: 'Models' });
  await expect(models.getByTestId('artifact-model')).toBeVisible();
  await expect(models.getByText('No versions yet')).toBeVisible();
  await page.screenshot({ path: screenPath('models') });
});
