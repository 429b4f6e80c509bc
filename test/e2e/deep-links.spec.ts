import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import {
  test,
  expect,
  exampleWithTwoRuns,
  screenPath,
  signIn,
  startHost,
  stopHost,
  type RunningHost,
} from './fixtures.js';

// Every place has a URL: a run, a version, a comparison. Opening the URL shows the place, the
// browser's Back and Forward move between places, and the sidebar's Runs always goes to the list.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let ids: string[];

test.beforeAll(async () => {
  // Two real pipeline runs: on a loaded machine they take longer than one test's budget.
  test.setTimeout(180000);
  ({ dir, ids } = exampleWithTwoRuns());
  host = await startHost(dir);
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

const hashOf = (url: string) => new URL(url).hash;

test('a run has a URL; Back and Forward move between the list and the run; the sidebar goes to the list', async ({
  page,
}) => {
  await signIn(page, host);
  await page.getByTestId(`run-row-${ids[0]}`).click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  expect(hashOf(page.url())).toBe(`#runs/${ids[0]}`);

  await page.goBack();
  await expect(page.getByTestId(`run-row-${ids[1]}`)).toBeVisible();
  await page.goForward();
  await expect(page.getByTestId('run-page')).toContainText(ids[0]);

  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByText('Compare', { exact: true }).click();
  expect(hashOf(page.url())).toBe('#compare');
  await nav.getByText('Runs', { exact: true }).click();
  await expect(page.getByTestId(`run-row-${ids[1]}`)).toBeVisible();
  await expect(page.getByTestId('run-page')).toHaveCount(0);
  expect(hashOf(page.url())).toBe('#runs');
  await page.goBack();
  expect(hashOf(page.url())).toBe('#compare');
  await expect(page.getByTestId('compare-section')).toBeVisible();
});

test('a copied run link opens that run in a new tab', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin });
  await signIn(page, host);
  await page.goto(`${host.origin}/#runs/${ids[1]}`);
  await expect(page.getByTestId('run-page')).toContainText(ids[1]);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText('Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(`${host.origin}/#runs/${ids[1]}`);
  await page.screenshot({ path: screenPath('deep-link-run') });

  const other = await context.newPage();
  await other.goto(copied);
  await expect(other.getByTestId('run-page')).toContainText(ids[1]);
  await expect(other.getByRole('navigation', { name: 'Sections' }).locator('[aria-current=page]')).toHaveText(
    /Runs/,
  );
});

test('a version has a URL, and a diff link for a model lands in Models', async ({ page }) => {
  await signIn(page, host);
  await page.goto(`${host.origin}/#models/model/1`);
  await expect(page.getByTestId('version-row-1')).toHaveClass(/is-selected/);
  await expect(page.getByTestId('version-row-2')).not.toHaveClass(/is-selected/);
  await page.getByTestId('version-row-2').click();
  expect(hashOf(page.url())).toBe('#models/model/2');
  await page.goBack();
  await expect(page.getByTestId('version-row-1')).toHaveClass(/is-selected/);

  await page.goto(`${host.origin}/#data/diff/model/1/2`);
  await expect(page.locator('#section')).toHaveAttribute('data-section', 'models');
  expect(hashOf(page.url())).toBe('#models/diff/model/1/2');
  await expect(page.getByText('Changes @1 → @2')).toBeVisible();
  await page.screenshot({ path: screenPath('deep-link-model-diff') });
});

test('a comparison has a URL; closing it is a step Back undoes', async ({ page }) => {
  await signIn(page, host);
  await page.goto(`${host.origin}/#compare?runs=${ids[0]},${ids[1]}`);
  await expect(page.getByTestId('compare-view')).toContainText('Comparing 2 runs');
  // Opened below a table that fills the window, the view is scrolled to: its heading is on screen.
  await expect(
    page.getByTestId('compare-view').getByRole('heading', { name: 'Comparing 2 runs' }),
  ).toBeInViewport({
    ratio: 1,
  });
  await page.getByTestId('compare-view').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
  expect(hashOf(page.url())).toBe('#compare');
  await page.goBack();
  await expect(page.getByTestId('compare-view')).toContainText('Comparing 2 runs');
  await page.screenshot({ path: screenPath('deep-link-compare') });
});

test('Models: a version names its run as a link, with the metrics that run logged beside it', async ({
  page,
}) => {
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  const accuracy = db
    .prepare("SELECT value FROM run_metrics WHERE run_id = ? AND key = 'test.accuracy'")
    .pluck()
    .get(ids[1]) as number;
  db.close();
  await signIn(page, host);
  await page.goto(`${host.origin}/#models/model/2`);
  await expect(page.getByTestId('source-run')).toContainText(ids[1]);
  await expect(page.getByTestId('source-run-metrics')).toContainText(
    `test.accuracy${String(Number(accuracy.toPrecision(6)))}`,
  );
  await page.screenshot({ path: screenPath('models-source-run') });
  await page.getByTestId('source-run-2').click();
  expect(hashOf(page.url())).toBe(`#runs/${ids[1]}`);
  await expect(page.getByTestId('run-page')).toContainText(ids[1]);
});

test('closing the project forgets the place; the project opens again on its list of runs', async ({
  page,
}) => {
  await signIn(page, host);
  await page.goto(`${host.origin}/#runs/${ids[0]}`);
  await expect(page.getByTestId('run-page')).toContainText(ids[0]);
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByTestId('start-screen')).toBeVisible();
  expect(hashOf(page.url())).toBe('#runs');
  await page.getByTestId('recent-item').first().click();
  await expect(page.getByTestId(`run-row-${ids[0]}`)).toBeVisible();
  await expect(page.getByTestId('run-page')).toHaveCount(0);
});
