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
import type { Page } from '@playwright/test';

// The Runs list is the runs table Compare uses: every column sorts on a click (metrics too), the
// expression filter works, and a click on a run opens it. Values are checked against the SQLite.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let ids: string[];
let accuracy: Map<string, number>;

test.beforeAll(async () => {
  // Two real pipeline runs: on a loaded machine they take longer than one test's budget.
  test.setTimeout(180000);
  ({ dir, ids } = exampleWithTwoRuns());
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  accuracy = new Map(
    db.prepare("SELECT run_id, value FROM run_metrics WHERE key = 'test.accuracy'").raw().all() as [
      string,
      number,
    ][],
  );
  db.close();
  host = await startHost(dir);
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

const shownIds = (page: Page) =>
  page
    .locator('[data-testid=runs-table] [role=row][data-run-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));

test('Runs sorts by a metric on a header click, filters by an expression, and opens a run on a click', async ({
  page,
}) => {
  expect(accuracy.size).toBe(2);
  expect(accuracy.get(ids[0])).not.toBe(accuracy.get(ids[1]));
  await signIn(page, host);
  const table = page.getByTestId('runs-table');
  await expect(table.locator('[role=row][data-run-id]')).toHaveCount(2);
  const cell = table.locator(`[role=row][data-run-id="${ids[0]}"] [data-col="metric:test.accuracy"]`);
  await expect(cell).toHaveAttribute('data-value', String(accuracy.get(ids[0])));

  const header = table.locator('[role=columnheader][data-col="metric:test.accuracy"]');
  const byAcc = [...ids].sort((a, b) => accuracy.get(b)! - accuracy.get(a)!);
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  expect(await shownIds(page)).toEqual(byAcc);
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  expect(await shownIds(page)).toEqual([...byAcc].reverse());

  // The placeholder speaks this project's language, and what it suggests is a filter that works.
  const filter = page.getByTestId('filter-input');
  const example = /^Filter: (.*?) {3}\(press/.exec((await filter.getAttribute('placeholder')) ?? '')?.[1];
  expect(example).toMatch(/^train\.\w+ <= [\d.]+ and \S+ >= [\d.]+$/);
  await filter.fill(example!);
  await expect(page.getByTestId('filter-error')).toHaveCount(0);

  await filter.fill('train.learning_rate < 0.08');
  await expect(table.locator('[role=row][data-run-id]')).toHaveCount(1);
  expect(await shownIds(page)).toEqual([ids[1]]);
  await page.screenshot({ path: screenPath('runs-list-table') });

  await table.locator(`[role=row][data-run-id="${ids[1]}"] [data-col="field:name"]`).click();
  await expect(page.getByTestId('run-page')).toContainText(ids[1]);
});
