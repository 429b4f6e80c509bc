import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  test,
  expect,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
  type RunningHost,
} from './fixtures.js';
import type { Page } from '@playwright/test';

// A project of 40 runs × 5 params × 4 metrics, each run with a 300-step curve, made by the generator
// through the engine's own run-recording functions. Every number the UI shows is checked against
// the project's SQLite, read directly here.
const RUNS = 40;
const STEPS = 300;

test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let db: Database.Database;

interface DbRun {
  id: string;
  name: string;
  params: Record<string, number | string>;
  metrics: Record<string, number>;
}
let runs: DbRun[];

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-compare-'));
  const gen = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/bench/generate-runs.ts',
      dir,
      '--runs',
      String(RUNS),
      '--params',
      '5',
      '--metrics',
      '4',
      '--steps',
      String(STEPS),
      '--seed',
      '7',
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(gen.status, gen.stderr).toBe(0);
  host = await startHost(dir);
  db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  runs = (
    db.prepare('SELECT id, name FROM runs ORDER BY started_at DESC').all() as { id: string; name: string }[]
  ).map((r) => ({
    ...r,
    params: Object.fromEntries(
      (
        db.prepare('SELECT key, value FROM run_params WHERE run_id = ?').all(r.id) as {
          key: string;
          value: string;
        }[]
      ).map((p) => [p.key, JSON.parse(p.value) as number | string]),
    ),
    metrics: Object.fromEntries(
      (
        db.prepare('SELECT key, value FROM run_metrics WHERE run_id = ?').all(r.id) as {
          key: string;
          value: number;
        }[]
      ).map((m) => [m.key, m.value]),
    ),
  }));
  expect(runs).toHaveLength(RUNS);
});

test.afterAll(async () => {
  db?.close();
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

const shown = (v: number) => String(Number(v.toPrecision(6)));
const row = (page: Page, id: string) =>
  page.locator(`[data-testid=runs-table] [role=row][data-run-id="${id}"]`);
const cell = (page: Page, id: string, col: string) => row(page, id).locator(`[data-col="${col}"]`);

async function openCompare(page: Page): Promise<void> {
  await signIn(page, host);
  await page.getByRole('navigation').getByText('Compare', { exact: true }).click();
  await expect(page.getByTestId('runs-table')).toBeVisible();
}

test('the table shows every run with the params and metrics stored in the database', async ({ page }) => {
  await openCompare(page);
  await expect(page.locator('.section-header__subtitle')).toContainText(`${RUNS} runs`);
  for (const r of runs.slice(0, 5)) {
    await expect(cell(page, r.id, 'field:name')).toHaveText(r.name);
    await expect(cell(page, r.id, 'metric:acc')).toHaveText(shown(r.metrics.acc));
    await expect(cell(page, r.id, 'metric:acc')).toHaveAttribute('data-value', String(r.metrics.acc));
    await expect(cell(page, r.id, 'param:lr')).toHaveAttribute('data-value', String(r.params.lr));
    await expect(cell(page, r.id, 'param:optimizer')).toHaveText(String(r.params.optimizer));
  }
  // Sorting by a metric puts the best run first.
  await page.locator('[role=columnheader][data-col="metric:acc"] button').click();
  const best = [...runs].sort((a, b) => b.metrics.acc - a.metrics.acc)[0];
  await expect(page.locator('[data-testid=runs-table] [role=row][data-run-id]').first()).toHaveAttribute(
    'data-run-id',
    best.id,
  );
  await page.screenshot({ path: screenPath('compare-table') });
});

test('an expression filters the runs, and a bad one says where it is wrong', async ({ page }) => {
  await openCompare(page);
  const expected = runs.filter((r) => (r.params.lr as number) < 0.01 && r.metrics.acc > 0.7);
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(RUNS);
  await page.keyboard.press('/');
  await expect(page.getByTestId('filter-input')).toBeFocused();
  await page.keyboard.type('lr < 0.01 and acc > 0.7');
  await expect(page.locator('.section-header__subtitle')).toContainText(`${expected.length} shown`);
  const ids = await page
    .locator('[data-testid=runs-table] [role=row][data-run-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  expect(new Set(ids)).toEqual(new Set(expected.map((r) => r.id)));

  await page.getByTestId('filter-input').fill('lr < 0.01 and accuracy > 0.7');
  await expect(page.getByTestId('filter-error')).toContainText("No column named 'accuracy'");
  await expect(page.getByTestId('filter-error')).toContainText('(at column 15)');
  await expect(page.locator('.section-header__subtitle')).toContainText('0 shown');
});

test('select runs with the keyboard, compare them, pin a baseline, show only differing columns', async ({
  page,
}) => {
  await openCompare(page);
  const picked = runs.slice(0, 3);
  await page.getByTestId('runs-table').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  for (const r of picked) await expect(row(page, r.id)).toHaveAttribute('aria-selected', 'true');
  await expect(row(page, runs[3].id)).toHaveAttribute('aria-selected', 'false');

  // Baseline: every numeric cell of the other runs shows its change from the pinned run.
  await row(page, picked[0].id)
    .getByRole('button', { name: /Pin .* as baseline/ })
    .click();
  await expect(page.getByTestId('baseline')).toContainText(picked[0].name);
  const d = picked[1].metrics.loss - picked[0].metrics.loss;
  const deltaText = await cell(page, picked[1].id, 'metric:loss').getByTestId('delta').textContent();
  const m = /^([+−±])([\d.e+-]+) \(([+−±])([\d.e+-]+)%\)$/.exec(deltaText ?? '');
  expect(m, `delta text ${deltaText}`).not.toBeNull();
  const abs = (m![1] === '−' ? -1 : 1) * Number(m![2]);
  // shown to 4 significant digits
  expect(Math.abs(abs - d) / Math.abs(d)).toBeLessThan(0.0005);
  const pct = (m![3] === '−' ? -1 : 1) * Number(m![4]);
  // shown to 3 significant digits
  const pctExpected = (d / Math.abs(picked[0].metrics.loss)) * 100;
  expect(Math.abs(pct - pctExpected) / Math.abs(pctExpected)).toBeLessThan(0.005);
  await expect(cell(page, picked[0].id, 'metric:loss').getByTestId('delta')).toHaveCount(0);

  // Only the columns whose values differ among the three selected runs stay.
  const headers = () =>
    page
      .locator('[role=columnheader][data-col]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
  const before = await headers();
  await page.getByTestId('only-differing').check();
  const differing = before.filter((col) => {
    if (col === 'field:name') return true;
    const [group, key] = col!.split(':');
    const vals = picked.map((r) =>
      group === 'param' ? r.params[key] : group === 'metric' ? r.metrics[key] : null,
    );
    if (group === 'field') return true;
    return new Set(vals.map(String)).size > 1;
  });
  const fieldCols = before.filter((c) => c!.startsWith('field:'));
  const after = await headers();
  expect(after.filter((c) => !c!.startsWith('field:'))).toEqual(
    differing.filter((c) => !c!.startsWith('field:')),
  );
  expect(after.length).toBeLessThanOrEqual(before.length);
  expect(fieldCols).toContain('field:name');

  // c compares the selection: one chart per metric, a line per run, drawn from the engine's series.
  await page.getByTestId('runs-table').focus();
  await page.keyboard.press('c');
  await expect(page.getByTestId('compare-view')).toContainText('Comparing 3 runs');
  await expect(
    page.getByRole('group', { name: 'Metrics to chart' }).getByRole('button', { name: 'm0_curve' }),
  ).toHaveAttribute('aria-pressed', 'true');
  const curve = page.locator('[data-metric="m0_curve"]');
  await expect(curve).toHaveAttribute('data-points-stored', String(3 * STEPS));
  await expect(curve.locator('[data-drawn]')).toHaveCount(1);
  await expect(curve.locator('.scatterlayer .trace')).toHaveCount(3);
  await page.getByTestId('compare-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('compare-charts') });

  // x as time since each run started, log scale, smoothing: the chart is redrawn with each.
  const plot = curve.locator('.js-plotly-plot');
  const layoutOf = () =>
    plot.evaluate(
      (el) =>
        (el as unknown as { layout: { xaxis: { title: { text: string } }; yaxis: { type: string } } }).layout,
    );
  await page.getByLabel('X axis').selectOption('relative');
  await expect.poll(async () => (await layoutOf()).xaxis.title.text).toBe('seconds since the run started');
  await page.getByLabel('log scale').check();
  await expect.poll(async () => (await layoutOf()).yaxis.type).toBe('log');
  const rawY = await plot.evaluate((el) =>
    Array.from((el as unknown as { data: { y: ArrayLike<number> }[] }).data[0].y).slice(0, 50),
  );
  await page.getByLabel('Smoothing').fill('0.9');
  await expect.poll(() => plot.evaluate((el) => (el as unknown as { data: unknown[] }).data.length)).toBe(6);
  const smoothedY = await plot.evaluate((el) =>
    Array.from((el as unknown as { data: { y: ArrayLike<number> }[] }).data[1].y).slice(0, 50),
  );
  expect(smoothedY[0]).toBeCloseTo(rawY[0], 12);
  expect(smoothedY).not.toEqual(rawY);
  await page.getByLabel('Smoothing').fill('0');

  // All 40 runs: 12,000 points in one chart, drawn as SVG lines (WebGL cannot run under the CSP).
  await page.getByRole('button', { name: /Select shown/ }).click();
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-view')).toContainText(`Comparing ${RUNS} runs`);
  await expect(curve).toHaveAttribute('data-points-stored', String(RUNS * STEPS));
  await expect(curve.locator('[data-drawn]')).toHaveCount(1);
  await expect(curve.locator('.scatterlayer .trace')).toHaveCount(RUNS);
  await expect(page.getByTestId('compare-view')).not.toContainText('WebGL is not supported');
  await page.getByTestId('compare-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('compare-charts-all') });
  await page.getByRole('button', { name: 'Clear selection' }).click();
  for (const r of picked) await row(page, r.id).locator('input[type=checkbox]').check();
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-view')).toContainText('Comparing 3 runs');

  await page.getByRole('tab', { name: 'Diff' }).click();
  const lrRow = page.getByTestId('diff-params').locator('tr[data-key="lr"]');
  await expect(lrRow.locator('td')).toHaveText(picked.map((r) => shown(r.params.lr as number)));
  await expect(lrRow).toHaveAttribute('data-differs', 'true');
  await page.getByRole('tab', { name: 'Parallel coordinates' }).click();
  await expect(page.getByTestId('parallel-coords').locator('path.pc__line')).toHaveCount(3);
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('parallel-coords').getByRole('button', { name: 'SVG' }).click(),
  ]);
  const svgText = fs.readFileSync((await svg.path())!, 'utf8');
  expect(svgText).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svgText.match(/class="pc__line"/g)).toHaveLength(3);
});

test('status, tag and date filters, grouping and the column picker', async ({ page }) => {
  await openCompare(page);
  const status = (id: string) => db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id) as string;
  const tagged = new Set(
    db.prepare("SELECT run_id FROM run_tags WHERE key = 'best'").pluck().all() as string[],
  );
  const failed = runs.filter((r) => status(r.id) === 'failed');
  expect(failed.length).toBeGreaterThan(0);
  const subtitle = page.locator('.section-header__subtitle');

  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'failed' }).click();
  await expect(subtitle).toContainText(`${failed.length} shown`);
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'failed' }).click();
  await page.getByLabel('Tag filter').fill('best');
  await expect(subtitle).toContainText(`${tagged.size} shown`);
  await page.getByLabel('Tag filter').fill('best=no');
  await expect(subtitle).toContainText('0 shown');
  await page.getByLabel('Tag filter').fill('');
  const day = new Date(db.prepare('SELECT min(started_at) FROM runs').pluck().get() as number);
  const iso = (d: Date) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.getByLabel('Started until').fill(iso(new Date(day.getTime() - 86_400_000)));
  await expect(subtitle).toContainText('0 shown');
  await page.getByLabel('Started until').fill(iso(day));
  await expect(subtitle).toContainText(`${RUNS} shown`);

  await page.getByLabel('Group by').selectOption({ label: 'group by param optimizer' });
  const optimizers = new Set(runs.map((r) => r.params.optimizer));
  // The grid is virtualized: its row count (header + group lines + runs) tells how many groups there are.
  await expect(page.getByTestId('runs-table')).toHaveAttribute(
    'aria-rowcount',
    String(1 + optimizers.size + RUNS),
  );
  const first = await page.locator('[data-testid=runs-table] .rt-row--group').first().textContent();
  const firstOpt = runs[0].params.optimizer;
  expect(first).toBe(
    `optimizer = ${firstOpt} (${runs.filter((r) => r.params.optimizer === firstOpt).length})`,
  );
  await page.getByLabel('Group by').selectOption('');

  await page.getByRole('button', { name: /^Columns/ }).click();
  await page.getByRole('dialog', { name: 'Columns' }).getByLabel('depth').uncheck();
  await page.getByRole('dialog', { name: 'Columns' }).getByLabel('best').check();
  await page.keyboard.press('Escape');
  await expect(page.locator('[role=columnheader][data-col="param:depth"]')).toHaveCount(0);
  await expect(page.locator('[role=columnheader][data-col="tag:best"]')).toHaveCount(1);
  const anyTagged = runs.find((r) => tagged.has(r.id))!;
  await expect(cell(page, anyTagged.id, 'tag:best')).toHaveText('yes');

  // Multi-select: a click, then shift-click selects the rows between; shift+arrows extend it.
  await row(page, runs[2].id).getByRole('checkbox').click();
  await row(page, runs[5].id)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  await expect(subtitle).toContainText('4 selected');
  for (const r of runs.slice(2, 6)) await expect(row(page, r.id)).toHaveAttribute('aria-selected', 'true');
  await row(page, runs[7].id).click();
  await page.getByTestId('runs-table').focus();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(subtitle).toContainText('7 selected');
  await expect(row(page, runs[9].id)).toHaveAttribute('aria-selected', 'true');
  await expect(row(page, runs[6].id)).toHaveAttribute('aria-selected', 'false');
});

test('the table exports as CSV with the values of the database', async ({ page }) => {
  await openCompare(page);
  await page.getByTestId('filter-input').fill('optimizer == "adam"');
  const expected = runs.filter((r) => r.params.optimizer === 'adam');
  await expect(page.locator('.section-header__subtitle')).toContainText(`${expected.length} shown`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const csv = fs
    .readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  const header = csv[0].split(',');
  expect(header[0]).toBe('id');
  expect(csv).toHaveLength(expected.length + 1);
  const accAt = header.indexOf('metrics.acc');
  const lrAt = header.indexOf('params.lr');
  expect(accAt).toBeGreaterThan(0);
  for (const line of csv.slice(1)) {
    const f = line.split(',');
    const r = runs.find((x) => x.id === f[0])!;
    expect(Number(f[accAt])).toBe(r.metrics.acc);
    expect(Number(f[lrAt])).toBe(r.params.lr);
  }
});

test('a saved view is stored in the project and restores the filter after a reload', async ({ page }) => {
  await openCompare(page);
  await page.getByTestId('filter-input').fill('depth >= 5');
  await page.getByLabel('View name').fill('deep nets');
  await page.getByRole('button', { name: 'Save view' }).click();
  await expect(page.getByLabel('Saved views')).toContainText('Saved views (1)');
  const stored = db.prepare('SELECT name, state FROM compare_views').all() as {
    name: string;
    state: string;
  }[];
  expect(stored).toHaveLength(1);
  expect(stored[0].name).toBe('deep nets');
  expect(JSON.parse(stored[0].state).filter).toBe('depth >= 5');

  await page.reload();
  await page.getByRole('navigation').getByText('Compare', { exact: true }).click();
  await page.getByTestId('filter-input').fill('');
  await page.getByLabel('Saved views').selectOption({ label: 'deep nets' });
  await expect(page.getByTestId('filter-input')).toHaveValue('depth >= 5');
  const deep = runs.filter((r) => (r.params.depth as number) >= 5).length;
  await expect(page.locator('.section-header__subtitle')).toContainText(`${deep} shown`);
});
