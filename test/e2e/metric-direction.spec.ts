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
import type { Locator } from '@playwright/test';

// Two runs of the example with different learning rates. Against a pinned baseline, a metric's
// change is coloured by whether it is better (strata.yaml's metrics:, else the name), params and
// durations stay neutral. In Compare, metrics logged once per run are bars, series are lines, and
// Plotly's toolbar never sits on a chart's title.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let ids: string[];
let metric: (id: string, key: string) => number;

test.beforeAll(async () => {
  test.setTimeout(180000);
  ({ dir, ids } = exampleWithTwoRuns());
  // test.f1's name says higher is better; the project says otherwise, and the project wins.
  fs.appendFileSync(path.join(dir, 'strata.yaml'), '\nmetrics:\n  test.f1: { goal: minimize }\n');
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  const rows = db.prepare('SELECT run_id, key, value FROM run_metrics').all() as {
    run_id: string;
    key: string;
    value: number;
  }[];
  db.close();
  metric = (id, key) => rows.find((r) => r.run_id === id && r.key === key)!.value;
  host = await startHost(dir);
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

const tone = async (cell: Locator) => {
  const cls = (await cell.getByTestId('delta').getAttribute('class')) ?? '';
  return cls.includes('rt-delta--better') ? 'better' : cls.includes('rt-delta--worse') ? 'worse' : 'neutral';
};

test('deltas against the baseline are coloured by each metric’s direction; params and durations are neutral', async ({
  page,
}) => {
  await signIn(page, host);
  const table = page.getByTestId('runs-table');
  await table.getByRole('button', { name: `Pin ${ids[0]} as baseline` }).click();
  const row = table.locator(`[role=row][data-run-id="${ids[1]}"]`);
  const expected = (key: string, goal: 'maximize' | 'minimize') => {
    const d = metric(ids[1], key) - metric(ids[0], key);
    return d === 0 ? 'neutral' : d > 0 === (goal === 'maximize') ? 'better' : 'worse';
  };
  const checks: [string, 'maximize' | 'minimize'][] = [
    ['loss', 'minimize'],
    ['test.accuracy', 'maximize'],
    ['test.f1', 'minimize'],
  ];
  // The two runs must differ where it matters, or this test would show nothing.
  expect(checks.some(([k]) => expected(k, 'maximize') !== 'neutral')).toBe(true);
  for (const [key, goal] of checks)
    expect(await tone(row.locator(`[data-col="metric:${key}"]`)), key).toBe(expected(key, goal));
  expect(await tone(row.locator('[data-col="param:train.learning_rate"]'))).toBe('neutral');
  expect(await tone(row.locator('[data-col="field:duration"]'))).toBe('neutral');
  await page.screenshot({ path: screenPath('runs-deltas') });
});

test('in Compare, metrics logged once are bars and series are lines; the toolbar never covers a title', async ({
  page,
}) => {
  await signIn(page, host);
  await page.goto(`${host.origin}/#compare?runs=${ids[0]},${ids[1]}`);
  const view = page.getByTestId('compare-view');
  await expect(view.locator('[data-metric="test.accuracy"]')).toHaveAttribute('data-shape', 'bars');
  await expect(view.locator('[data-metric="loss"]')).toHaveAttribute('data-shape', 'lines');
  const bars = view.locator('[data-metric="test.accuracy"]');
  await expect(bars.locator('.chart__plot')).toHaveAttribute('data-drawn', /\d+/, { timeout: 20000 });
  await expect(bars.locator('g.point')).toHaveCount(2);
  // Each bar is labelled with its run's value.
  for (const id of ids)
    await expect(bars.locator('.textpoint, text.bartext')).toContainText([
      String(Number(metric(id, 'test.accuracy').toPrecision(4))),
    ]);

  for (const key of ['loss', 'test.accuracy']) {
    const chart = view.locator(`[data-metric="${key}"] .chart__plot`);
    await expect(chart).toHaveAttribute('data-drawn', /\d+/, { timeout: 20000 });
    await chart.hover();
    const modebar = await chart.locator('.modebar').boundingBox();
    const title = await chart.locator('.gtitle').boundingBox();
    expect(modebar && title, key).toBeTruthy();
    const overlap =
      modebar!.x < title!.x + title!.width &&
      title!.x < modebar!.x + modebar!.width &&
      modebar!.y < title!.y + title!.height &&
      title!.y < modebar!.y + modebar!.height;
    expect(overlap, `${key}: toolbar ${JSON.stringify(modebar)} over title ${JSON.stringify(title)}`).toBe(
      false,
    );
  }
  await bars.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('compare-scalar-bars') });
});
