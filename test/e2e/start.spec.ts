import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  test,
  expect,
  exampleDir,
  screenPath,
  signIn,
  startHost,
  stopHost,
  type RunningHost,
} from './fixtures.js';

// One host with no project open: the start screen is where every test here begins and ends.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
const temps: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-start-'));
  temps.push(d);
  return d;
};
test.beforeAll(async () => {
  host = await startHost(null);
});
test.afterAll(async () => {
  await stopHost(host);
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

async function closeProject(page: import('@playwright/test').Page) {
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByTestId('start-screen')).toBeVisible();
}

test('the start screen opens the bundled example as the user’s own copy, then lists it as recent', async ({
  page,
}) => {
  await signIn(page, host);
  const start = page.getByTestId('start-screen');
  await expect(start).toBeVisible();
  await expect(start.getByText('Projects you open appear here.')).toBeVisible();
  await expect(start.getByLabel('Project folder')).toBeFocused();
  await page.screenshot({ path: screenPath('start-empty') });
  await start.getByRole('button', { name: /Keyboard shortcuts/ }).click();
  await expect(page.getByTestId('shortcuts-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-overlay')).toHaveCount(0);
  await expect(start.getByLabel('Project folder')).not.toBeFocused();
  await page.keyboard.press('ControlOrMeta+o');
  await expect(start.getByLabel('Project folder')).toBeFocused();

  await start.getByRole('button', { name: 'Open the bundled example' }).click();
  await expect(page.getByTestId('project-name')).toHaveText('churn-example');
  const copy = path.join(host.home, 'examples', 'churn-example');
  await expect(page.getByTestId('project-path')).toHaveText(copy);
  expect(fs.existsSync(path.join(copy, '.strata', 'strata.db'))).toBe(true);
  // The app's own resources are never written to.
  expect(fs.existsSync(path.join(exampleDir, '.strata'))).toBe(false);

  await closeProject(page);
  const item = page.getByTestId('recent-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('churn-example');
  await expect(item).toContainText(copy);
  await item.getByRole('button', { name: /^churn-example/ }).click();
  await expect(page.getByTestId('project-name')).toHaveText('churn-example');
  await expect(page).toHaveTitle('churn-example — Runs — Strata');
  await closeProject(page);
  await expect(page).toHaveTitle('Strata');

  // The copy is the user's to change: opening the example again must not copy over their work.
  fs.writeFileSync(path.join(copy, 'my-notes.md'), 'mine');
  await page.getByRole('button', { name: 'Open the bundled example' }).click();
  await expect(page.getByTestId('project-path')).toHaveText(copy);
  expect(fs.readFileSync(path.join(copy, 'my-notes.md'), 'utf8')).toBe('mine');
  await closeProject(page);
});

test('a folder that is not a project is offered for initialisation, and nothing is written before the user agrees', async ({
  page,
}) => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
  await signIn(page, host);
  await page.getByLabel('Project folder').fill(dir);
  await page.getByRole('button', { name: 'Open', exact: true }).click();

  const offer = page.getByTestId('init-offer');
  await expect(offer).toBeVisible();
  await expect(offer).toContainText(dir);
  expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  await page.screenshot({ path: screenPath('start-init-offer') });

  await offer.getByRole('button', { name: 'Cancel' }).click();
  await expect(offer).toHaveCount(0);
  expect(fs.readdirSync(dir)).toEqual(['notes.txt']);

  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('init-offer').getByRole('button', { name: 'Initialise project' }).click();
  await expect(page.getByTestId('project-name')).toHaveText(path.basename(dir));
  // Initialising also keeps .strata/ out of git, as `strata init` does.
  expect(fs.readdirSync(dir).sort()).toEqual(['.gitignore', '.strata', 'notes.txt', 'strata.yaml']);
  expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  await closeProject(page);
});

test('a malformed strata.yaml is refused with its file and line, and nothing is written', async ({
  page,
}) => {
  const dir = tempDir();
  const file = path.join(dir, 'strata.yaml');
  fs.writeFileSync(file, 'name: broken\nartifacts:\n  data: { path: data.csv\nstages: {}\n');
  await signIn(page, host);
  await page.getByLabel('Project folder').fill(dir);
  await page.getByRole('button', { name: 'Open', exact: true }).click();

  const error = page.getByTestId('error-notice');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', 'CONFIG_INVALID');
  await expect(error.getByTestId('error-where')).toHaveText(
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[34]:\\d+$`),
  );
  await page.screenshot({ path: screenPath('start-config-error') });
  expect(fs.readdirSync(dir)).toEqual(['strata.yaml']);
  await expect(page.getByTestId('start-screen')).toBeVisible();
});

test('a missing folder gets a clear error; a recent project that was deleted is marked and can be forgotten', async ({
  page,
}) => {
  const gone = path.join(tempDir(), 'never-existed');
  await signIn(page, host);
  await page.getByLabel('Project folder').fill(gone);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('error-notice')).toHaveAttribute('data-code', 'PROJECT_MISSING');
  await expect(page.getByTestId('error-notice')).toContainText(gone);

  // Initialise a project, then delete it behind the app's back.
  const doomed = tempDir();
  await page.getByLabel('Project folder').fill(doomed);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('button', { name: 'Initialise project' }).click();
  await expect(page.getByTestId('project-name')).toHaveText(path.basename(doomed));
  await closeProject(page);
  fs.rmSync(doomed, { recursive: true, force: true });
  await page.reload();

  const item = page.getByTestId('recent-item').filter({ hasText: doomed });
  await expect(item).toHaveClass(/recent__item--missing/);
  await expect(item.getByText('missing')).toBeVisible();
  await expect(item.getByRole('button', { name: new RegExp(`^${path.basename(doomed)}`) })).toBeDisabled();
  await page.screenshot({ path: screenPath('start-recent') });
  const before = await page.getByTestId('recent-item').count();
  await item.getByRole('button', { name: /^Forget/ }).click();
  await expect(page.getByTestId('recent-item')).toHaveCount(before - 1);
  await expect(page.getByTestId('recent-item').filter({ hasText: doomed })).toHaveCount(0);
  const saved = JSON.parse(fs.readFileSync(path.join(host.home, 'recent.json'), 'utf8')) as {
    path: string;
  }[];
  expect(saved.map((r) => r.path)).not.toContain(doomed);
});

test('Ctrl+O with a project open switches to another one, initialising it inside the dialog', async ({
  page,
}) => {
  const next = tempDir();
  await signIn(page, host);
  await page.getByRole('button', { name: 'Open the bundled example' }).click();
  await expect(page.getByTestId('project-name')).toHaveText('churn-example');
  await page.keyboard.press('ControlOrMeta+o');
  const dialog = page.getByTestId('open-dialog');
  await dialog.getByLabel('Project folder').fill(next);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  await dialog.getByRole('button', { name: 'Initialise project' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('project-name')).toHaveText(path.basename(next));
  await expect(page.getByTestId('project-path')).toHaveText(next);
  await closeProject(page);
});

test('the start screen in dark mode', async ({ browser }) => {
  const page = await browser.newPage({ colorScheme: 'dark' });
  await signIn(page, host);
  await expect(page.getByTestId('recent-item').first()).toBeVisible();
  await page.screenshot({ path: screenPath('dark-start') });
  await page.close();
});
