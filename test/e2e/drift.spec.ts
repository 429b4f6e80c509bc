import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { MonitorState } from '../../shared/api/drift.js';
import { uniform } from '../helpers/drift-data.js';
import { test, expect, repoRoot, screenPath, signIn, type RunningHost } from './fixtures.js';

// A monitor fed by prediction-log files dropped into its folder while the app is open: the page shows
// the windows' timelines, the overlays and an alert, and agrees with `strata monitor --json`.

const MONITOR = `
monitors:
  churn:
    reference: data/customers.csv
    logs: logs/predictions
    window: { rows: 400 }
    prediction: predicted
    probability: proba
    label: churned
`;

type Row = Record<string, string | number>;

function customers(root: string): Row[] {
  const [head, ...lines] = fs
    .readFileSync(path.join(root, 'data', 'customers.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = head.split(',');
  return lines.map((l) =>
    Object.fromEntries(l.split(',').map((v, i) => [cols[i], /^-?[\d.]+$/.test(v) ? Number(v) : v])),
  );
}

/** n logged predictions drawn from the customers table; `shift` moves charges and adds a contract type. */
function predictions(base: Row[], seed: number, n: number, shift: boolean): string {
  const u = uniform(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = { ...base[Math.floor(u() * base.length)] };
    if (shift) {
      r.monthly_charges = Number(r.monthly_charges) + 30;
      if (u() < 0.25) r.contract = 'weekly';
    }
    const proba = Math.min(0.99, Math.max(0.01, Number(r.churned) ? 0.3 + 0.65 * u() : 0.7 * u()));
    out.push(JSON.stringify({ ...r, proba, predicted: proba >= 0.5 ? 1 : 0 }));
  }
  return out.join('\n') + '\n';
}

function strataJson<T>(host: RunningHost, ...args: string[]): T {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args, '--json'], {
    cwd: host.projectDir,
    env: { ...process.env, STRATA_HOME: host.home },
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`strata ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

async function shots(page: Page, name: string): Promise<void> {
  // The section scrolls inside the frame: a tall viewport shows all of it.
  await page.setViewportSize({ width: 1280, height: 2400 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: screenPath(`${name}-${colorScheme}`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('Drift: log files dropped into a monitored folder become windows, charts and an alert', async ({
  page,
  host,
}) => {
  test.setTimeout(120_000);
  const root = host.projectDir;
  const base = customers(root);
  fs.appendFileSync(path.join(root, 'strata.yaml'), MONITOR);
  const dir = path.join(root, 'logs', 'predictions');
  fs.mkdirSync(dir, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, host);
  await page
    .getByRole('link', { name: /Drift/ })
    .or(page.getByRole('button', { name: /Drift/ }))
    .first()
    .click();
  await expect(page.getByTestId('monitor-churn')).toBeVisible({ timeout: 15_000 });

  // Two windows like the reference, with one broken line; then a window whose charges moved.
  fs.writeFileSync(
    path.join(dir, '2026-11-30T08.jsonl'),
    predictions(base, 1, 400, false) + '{"truncated": \n' + predictions(base, 2, 400, false),
  );
  await expect(page.getByTestId('window-status')).toContainText('Window 2 of 2', { timeout: 20_000 });
  await expect(page.getByTestId('window-status')).toContainText('no column drifted');
  await expect(page.getByTestId('malformed')).toContainText('1 malformed line');
  await expect(page.getByTestId('drift-alert')).toHaveCount(0);

  // A FIFO named like a log is never opened (that would block): it is listed as skipped.
  expect(spawnSync('mkfifo', [path.join(dir, 'pipe.jsonl')]).status).toBe(0);
  fs.writeFileSync(path.join(dir, '2026-11-30T09.jsonl'), predictions(base, 3, 400, true));
  await expect(page.getByTestId('drift-alert')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('drift-alert')).toContainText('monthly_charges');
  await expect(page.getByTestId('window-status')).toContainText('Window 3 of 3');
  await expect(page.getByTestId('timeline-monthly_charges')).toContainText('drift');
  await expect(page.getByTestId('timeline-tenure_months')).toContainText('ok');
  await expect(page.getByTestId('overlay-contract')).toContainText('new: weekly');
  await expect(page.getByTestId('special-files')).toContainText(
    `${path.join('logs', 'predictions', 'pipe.jsonl')} (a FIFO)`,
  );
  // The most severe column comes first.
  await expect(page.getByTestId('timelines').locator('[data-testid^="timeline-"]').first()).toHaveAttribute(
    'data-testid',
    /timeline-(monthly_charges|contract)/,
  );
  await shots(page, 'drift-monitor');

  // The same monitor through the CLI: the same windows and verdicts.
  const cli = strataJson<MonitorState>(host, 'monitor', 'churn');
  expect(cli.windows.length).toBe(3);
  expect(cli.malformed.first[0]).toMatchObject({
    file: path.join('logs', 'predictions', '2026-11-30T08.jsonl'),
    line: 401,
  });
  expect(cli.windows[2].report.columns.find((c) => c.name === 'monthly_charges')!.status).toBe('drift');

  // The banner opens the monitor from another section; the report exports as one HTML file.
  await page
    .getByRole('link', { name: /Runs/ })
    .or(page.getByRole('button', { name: /Runs/ }))
    .first()
    .click();
  await page.getByTestId('drift-alert').getByRole('button', { name: 'Open monitor' }).click();
  await expect(page.getByTestId('monitor-view')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByTestId('drift-export').click();
  const file = await (await download).path();
  const html = fs.readFileSync(file!, 'utf8');
  // Named by its content: the name carries the start of the file's sha256.
  const sha = crypto.createHash('sha256').update(fs.readFileSync(file!)).digest('hex');
  expect((await download).suggestedFilename()).toBe(`drift-churn-${sha.slice(0, 16)}.html`);
  expect(html).toContain('Drift report: churn');
  expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  const saved = screenPath('drift-report').replace(/\.png$/, '.html');
  fs.writeFileSync(saved, html);
  await page.setViewportSize({ width: 1280, height: 1800 });
  await page.goto(`file://${saved}`);
  await page.screenshot({ path: screenPath('drift-report'), fullPage: true });
});
