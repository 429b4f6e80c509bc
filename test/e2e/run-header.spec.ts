import fs from 'node:fs';
import type { Page } from '@playwright/test';
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

// The run page's header at the sizes people use: its buttons sit on one line, each on one line of
// text, inside the header, whether the jobs panel takes part of the width or not; on a narrow window
// the buttons go below the title as a row of their own rather than squeezing it.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let ids: string[];

test.beforeAll(async () => {
  test.setTimeout(180000);
  ({ dir, ids } = exampleWithTwoRuns());
  host = await startHost(dir);
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function checkHeader(page: Page, name: string): Promise<void> {
  const header = page.getByTestId('run-page').locator('.section-header');
  const buttons = header.locator('.section-header__actions button');
  await expect(buttons.first()).toBeVisible();
  await header.screenshot({ path: screenPath(name) });
  const box = (await header.boundingBox())!;
  const title = (await header.locator('.section-header__title').boundingBox())!;
  const boxes = await buttons.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    }),
  );
  expect(boxes.length).toBeGreaterThanOrEqual(2);
  for (const b of boxes) {
    // One line of text each (a wrapped label makes the button taller than the row of the others) …
    expect(b.height, name).toBeLessThanOrEqual(boxes[0].height);
    expect(Math.abs(b.top - boxes[0].top), name).toBeLessThan(1);
    // … and inside the header, not over the title.
    expect(b.right, name).toBeLessThanOrEqual(box.x + box.width + 0.5);
    expect(b.left, name).toBeGreaterThanOrEqual(box.x - 0.5);
    const besideTitle = b.top < title.y + title.height;
    if (besideTitle) expect(b.left, name).toBeGreaterThanOrEqual(title.x + title.width);
  }
  // The title stays on one line too.
  const lineHeight = await header
    .locator('.section-header__title')
    .evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
  expect(title.height, name).toBeLessThan(lineHeight * 1.5);
}

test('the run header lays out on one row of buttons at 1280×800, with and without the jobs panel, and narrow', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, host);
  await page.goto(`${host.origin}/#runs/${ids[1]}`);
  await expect(page.getByTestId('run-page')).toContainText(ids[1]);
  await checkHeader(page, 'run-header-1280');
  await page.screenshot({ path: screenPath('run-header-1280-page') });

  await page.getByTestId('jobs-button').click();
  await expect(page.getByTestId('jobs-tray')).toBeVisible();
  await checkHeader(page, 'run-header-1280-jobs');
  await page.screenshot({ path: screenPath('run-header-1280-jobs-page') });
  await page.getByTestId('jobs-button').click();

  await page.setViewportSize({ width: 760, height: 800 });
  await checkHeader(page, 'run-header-760');
  await page.screenshot({ path: screenPath('run-header-760-page') });
  // Too narrow for the buttons beside the title: they go below it, still one row.
  await page.setViewportSize({ width: 520, height: 800 });
  await checkHeader(page, 'run-header-520');
  await page.screenshot({ path: screenPath('run-header-520-page') });
});
