import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { test, expect, exampleHostPerFile, screenPath, sectionTitles, signIn } from './fixtures.js';

// One host for the file: the example project, opened by `strata ui <dir>` as a user would.
const host = exampleHostPerFile();

test('the example opens in the frame, and every section can be visited', async ({ page }) => {
  await signIn(page, host);
  await expect(page.getByTestId('project-name')).toHaveText('churn-example');
  await expect(page.getByTestId('project-path')).toHaveText(host.projectDir);
  const declared = parse(fs.readFileSync(path.join(host.projectDir, 'strata.yaml'), 'utf8')) as {
    artifacts: object;
    stages: object;
  };
  const n = (o: object) => Object.keys(o).length;
  await expect(page.getByTestId('project-facts')).toHaveText(
    new RegExp(
      `^strata\\.yaml · ${n(declared.artifacts)} artifacts · ${n(declared.stages)} stages · schema: \\d+ migrations$`,
    ),
  );
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await expect(nav.getByRole('button')).toHaveText(sectionTitles.map((t) => new RegExp(`^${t}`)));

  for (const title of sectionTitles) {
    await nav.getByRole('button', { name: new RegExp(`^${title}`) }).click();
    const main = page.getByRole('main', { name: title });
    await expect(main.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(nav.getByRole('button', { name: new RegExp(`^${title}`) })).toHaveAttribute(
      'aria-current',
      'page',
    );
    // A section always tells the user something: its own content, or an empty state that explains itself.
    await expect(main.locator('.frame__section')).not.toBeEmpty();
    await expect(page.getByTestId('error-notice')).toHaveCount(0);
    await page.screenshot({ path: screenPath(title.toLowerCase()) });
  }
});

test('keyboard: Ctrl+digit switches sections, ? lists shortcuts, Ctrl+O opens, Esc closes', async ({
  page,
}) => {
  await signIn(page, host);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  await page.keyboard.press('ControlOrMeta+3');
  await expect(page.getByRole('main', { name: 'Data' }).getByRole('heading', { level: 1 })).toHaveText(
    'Data',
  );
  await page.keyboard.press('ControlOrMeta+9');
  await expect(page.getByRole('main', { name: 'Review' }).getByRole('heading', { level: 1 })).toHaveText(
    'Review',
  );

  await page.keyboard.press('?');
  const overlay = page.getByTestId('shortcuts-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText('Pipelines');
  await page.screenshot({ path: screenPath('shortcuts') });
  await page.keyboard.press('Escape');
  await expect(overlay).toHaveCount(0);

  await page.keyboard.press('ControlOrMeta+o');
  const dialog = page.getByTestId('open-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Project folder')).toBeFocused();
  // `?` typed into the path field is text, not a shortcut.
  await page.keyboard.type('/tmp/what?');
  await expect(dialog.getByLabel('Project folder')).toHaveValue('/tmp/what?');
  await expect(page.getByTestId('shortcuts-overlay')).toHaveCount(0);
  // Focus stays inside the dialog: Tab goes field → Open → Close (Esc) → back to the field.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('Project folder')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('dark theme follows the OS', async ({ browser }) => {
  const light = await browser.newPage({ colorScheme: 'light' });
  const dark = await browser.newPage({ colorScheme: 'dark' });
  const lum = async (p: typeof light) => {
    await signIn(p, host);
    await expect(p.getByTestId('app-frame')).toBeVisible();
    return p.evaluate(() => {
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(document.body).backgroundColor)!;
      const [r, g, b] = m.slice(1).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    });
  };
  expect(await lum(light)).toBeGreaterThan(0.8);
  expect(await lum(dark)).toBeLessThan(0.2);
  await dark.screenshot({ path: screenPath('dark-runs') });
  await dark.keyboard.press('ControlOrMeta+o');
  await dark.screenshot({ path: screenPath('dark-open-dialog') });
  await light.close();
  await dark.close();
});

test('strata.yaml edited into something invalid while open shows a banner with file:line, which goes once fixed', async ({
  page,
}) => {
  await signIn(page, host);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  const file = path.join(host.projectDir, 'strata.yaml');
  const good = fs.readFileSync(file, 'utf8');
  const lines = good.split('\n');
  const bad = lines.findIndex((l) => l.trim() === 'kind: dataset');
  expect(bad).toBeGreaterThan(0);
  lines[bad] = lines[bad].replace('dataset', 'spreadsheet');
  fs.writeFileSync(file, lines.join('\n'));

  const banner = page.getByTestId('config-banner');
  await expect(banner).toBeVisible();
  await expect(banner.locator('.banner__where')).toHaveText(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${bad + 1}:\\d+$`),
  );
  await expect(banner).toContainText('kind');
  await page.screenshot({ path: screenPath('config-banner') });
  // The app stays usable on the last good configuration.
  await page.keyboard.press('ControlOrMeta+5');
  await expect(page.getByRole('main', { name: 'Pipelines' }).getByRole('heading', { level: 1 })).toHaveText(
    'Pipelines',
  );

  fs.writeFileSync(file, good);
  await expect(banner).toHaveCount(0);
});

test('a narrow window keeps every section reachable and nothing spills sideways', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 760, height: 600 } });
  await signIn(page, host);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('button', { name: /^Pipelines/ }).click();
  await expect(page.getByRole('main', { name: 'Pipelines' }).getByRole('heading', { level: 1 })).toHaveText(
    'Pipelines',
  );
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenPath('narrow') });
  await page.close();
});
