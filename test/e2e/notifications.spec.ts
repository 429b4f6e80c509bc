import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { uniform } from '../helpers/drift-data.js';
import { test, expect, screenPath, signIn, type RunningHost } from './fixtures.js';

// Desktop notifications in the browser host: the page asks for permission only when a person clicks
// "Notify me on this desktop" (in Drift and in Pipelines' Automation), never on load; granted, a drift
// alert raises a notification; refused, the in-app banner still tells.

const CONFIG = `
monitors:
  churn:
    reference: data/customers.csv
    logs: logs/predictions
    window: { rows: 300 }
gates:
  model:
    - { metric: "*accuracy", min: 0.5 }
ct:
  schedule: "0 3 * * *"
  model: model
  promote: champion
`;

/** 300 rows of the example's customers whose monthly charges moved up: a window that drifts. */
function driftedLogs(root: string): string {
  const [head, ...lines] = fs
    .readFileSync(path.join(root, 'data', 'customers.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = head.split(',');
  const u = uniform(7);
  return (
    Array.from({ length: 300 }, () => {
      const r = Object.fromEntries(
        lines[Math.floor(u() * lines.length)]
          .split(',')
          .map((v, i) => [cols[i], /^-?[\d.]+$/.test(v) ? Number(v) : v]),
      );
      r.monthly_charges = Number(r.monthly_charges) + 40;
      return JSON.stringify(r);
    }).join('\n') + '\n'
  );
}

async function open(page: Page, host: RunningHost): Promise<void> {
  fs.appendFileSync(path.join(host.projectDir, 'strata.yaml'), CONFIG);
  fs.mkdirSync(path.join(host.projectDir, 'logs', 'predictions'), { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, host);
}

async function toDrift(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /Drift/ })
    .or(page.getByRole('link', { name: /Drift/ }))
    .first()
    .click();
  await expect(page.getByTestId('monitor-churn')).toBeVisible({ timeout: 15_000 });
}

async function toAutomation(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /Pipelines/ })
    .or(page.getByRole('link', { name: /Pipelines/ }))
    .first()
    .click();
  await expect(page.getByTestId('automation').getByTestId('ct-policy')).toBeVisible({ timeout: 15_000 });
}

function dropDriftedWindow(host: RunningHost): void {
  const file = path.join(host.projectDir, 'logs', 'predictions', 'shifted.jsonl');
  fs.writeFileSync(`${file}.part`, driftedLogs(host.projectDir));
  fs.renameSync(`${file}.part`, file);
}

test('not yet granted: nothing is asked on load; the button asks on a click; refused, the alert shows in the app', async ({
  page,
  host,
}) => {
  test.setTimeout(120_000);
  await open(page, host);
  await toDrift(page);
  // Loading the app did not put the question: the browser still has no answer for this origin.
  expect(await page.evaluate(() => Notification.permission)).toBe('default');
  const driftButton = page.getByTestId('notify-enable');
  await expect(driftButton).toHaveText('Notify me on this desktop');
  await page.screenshot({ path: screenPath('notify-drift-ask') });

  await toAutomation(page);
  const automation = page.getByTestId('automation');
  await expect(automation.getByTestId('notify-enable')).toBeVisible();
  await automation.getByTestId('notify-enable').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('notify-automation-ask') });

  // Playwright's Chromium refuses a permission that the context was not given, as a person might.
  await automation.getByTestId('notify-enable').click();
  await expect(automation.getByTestId('notify-refused')).toContainText('blocked');
  await expect(page.getByTestId('notify-enable')).toHaveCount(0);
  expect(await page.evaluate(() => Notification.permission)).toBe('denied');
  await page.screenshot({ path: screenPath('notify-automation-refused') });

  await toDrift(page);
  await expect(page.getByTestId('notify-enable')).toHaveCount(0);
  dropDriftedWindow(host);
  const banner = page.getByTestId('drift-alert');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('monthly_charges');
  await expect(banner.getByTestId('notify-enable')).toHaveCount(0);
});

test('granted: no button anywhere, and a drift alert raises a desktop notification besides the banner', async ({
  page,
  context,
  host,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['notifications']);
  // Records what the page shows through the browser's own Notification, which still shows it.
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: string[] = [];
    (window as unknown as { shown: string[] }).shown = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(title);
      }
    } as typeof Notification;
  });
  await open(page, host);
  await toDrift(page);
  expect(await page.evaluate(() => Notification.permission)).toBe('granted');
  await expect(page.getByTestId('notify-enable')).toHaveCount(0);
  await toAutomation(page);
  await expect(page.getByTestId('notify-enable')).toHaveCount(0);

  dropDriftedWindow(host);
  await expect(page.getByTestId('drift-alert')).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shown: string[] }).shown))
    .toContain('Drift in churn');
});
