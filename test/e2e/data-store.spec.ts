import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { AliasChange, FsckReport, GcReport, TreeEntry } from '../../shared/api/artifacts.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import type { ProjectStatus } from '../../shared/api/project.js';
import { formatBytes } from '../../shared/format.js';
import { storeOf } from '../helpers/store.js';
import { test, expect, repoRoot, screenPath, signIn, type RunningHost } from './fixtures.js';

/** The real `strata` CLI on the host's project, in its own process. */
function strata(host: RunningHost, ...args: string[]): { code: number | null; json: unknown } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], {
    cwd: host.projectDir,
    env: { ...process.env, STRATA_HOME: host.home },
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`strata ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { code: r.status, json: JSON.parse(r.stdout) };
}

/** What the engine behind the page answers, through the page's own signed-in session. */
async function engine<T>(page: Page, host: RunningHost, name: string, params: object = {}): Promise<T> {
  const res = await page.request.post(`${host.origin}/api/call/${name}`, { data: params });
  const body = (await res.json()) as { ok: boolean; result: T; error?: unknown };
  if (!body.ok) throw new Error(`${name}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function shots(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: screenPath(`${name}-${colorScheme}`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// The example's watched customers table (a small, packed content) plus a folder with a content over
// 1 MiB (a loose object), versioned from the CLI before the page opens.
test('Data: the object store — integrity check, clean-up with a dry run, and alias history', async ({
  page,
  host,
}) => {
  const folder = path.join(host.projectDir, 'data', 'raw');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'images.bin'), crypto.randomBytes(1_300_000));
  fs.writeFileSync(path.join(folder, 'labels.csv'), 'id,label\n1,cat\n2,dog\n');
  expect(strata(host, 'add', 'data/raw', '--json').code).toBe(0);

  await signIn(page, host);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+3');
  const main = page.getByRole('main', { name: 'Data' });
  await main.getByTestId('artifact-customers').click();
  await expect(main.getByTestId('version-row-1')).toBeVisible({ timeout: 15000 });

  // The strip's totals are the engine's.
  const panel = main.getByTestId('store-panel');
  const before = (await engine<ProjectStatus>(page, host, 'project.status')).objects;
  expect(before.count).toBe(3);
  await expect(panel.getByTestId('store-totals')).toHaveText(new RegExp(`^3 objects · `));

  // A clean store checks out fine; the button works from the keyboard.
  await panel.getByTestId('store-check').focus();
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('fsck-ok')).toContainText('No damage: 3 objects', { timeout: 15000 });
  await shots(page, 'data-store-ok');

  // Bit rot in one loose and one packed content.
  const tree = (artifact: string) =>
    engine<{ entries: TreeEntry[] }>(page, host, 'artifacts.tree', { artifact, ref: '1' });
  const images = (await tree('raw')).entries.find((e) => e.path === 'images.bin')!.hash;
  const customers = (await tree('customers')).entries[0].hash;
  const store = storeOf(host.projectDir);
  expect(store.packed(customers)).toBe(true);
  expect(store.packed(images)).toBe(false);
  const rotten = new Map([images, customers].map((h) => [h, store.damage(h, 'rot')]));

  await panel.getByTestId('store-check').click();
  const report = panel.getByTestId('fsck-report');
  await expect(report).toBeVisible({ timeout: 15000 });
  // The job's result, as the engine holds it, is what the panel shows.
  const jobs = await engine<JobInfo[]>(page, host, 'jobs.list');
  const job = jobs.find(
    (j) => j.label === 'Checking the object store' && j.state === 'done' && !(j.result as FsckReport).ok,
  )!;
  const found = job.result as FsckReport;
  expect(found.bad.map((b) => b.hash).sort()).toEqual([images, customers].sort());
  // A single-file artifact's one entry has an empty path; the panel names files by their workspace path.
  expect(found.missing.map((m) => `${m.artifact}@${m.version} ${m.path}`).sort()).toEqual([
    'customers@1 ',
    'raw@1 images.bin',
  ]);
  const workspacePath = { customers: 'data/customers.csv', raw: 'data/raw/images.bin' } as Record<
    string,
    string
  >;
  await expect(report.getByRole('heading', { level: 3 })).toHaveText(
    'Damage found: 2 files in 2 versions lost their content; 2 objects damaged, moved to quarantine',
  );
  const rows = report.getByTestId('fsck-missing-row');
  await expect(rows).toHaveCount(2);
  for (const m of found.missing) {
    await expect(
      rows
        .filter({ hasText: `${m.artifact}@${m.version}` })
        .locator('td')
        .nth(1),
    ).toHaveText(workspacePath[m.artifact]);
    await expect(rows.filter({ hasText: `${m.artifact}@${m.version}` })).toContainText(m.hash.slice(0, 12));
  }
  await expect(report.getByTestId('fsck-bad-row')).toHaveCount(2);
  for (const b of found.bad) {
    await expect(report.getByTestId('fsck-bad-row').filter({ hasText: b.hash.slice(0, 12) })).toContainText(
      b.quarantinedTo,
    );
    expect(fs.readFileSync(b.quarantinedTo)).toEqual(rotten.get(b.hash));
  }
  // The CLI, asked now, finds the same losses (the damaged bytes are already out of the store).
  const cli = strata(host, 'fsck', '--json');
  expect(cli.code).toBe(1);
  expect(cli.json).toMatchObject({ ok: false, bad: [], missing: found.missing });
  // Totals follow: the damaged objects left the store.
  await expect(panel.getByTestId('store-totals')).toHaveText(/^1 object · /);
  // The versions table marks the version that lost its file (customers is the selected artifact).
  await expect(page.getByTestId('lost-1')).toHaveText('1 file lost');
  await shots(page, 'data-store-damage');

  // Clean up: one content a dead add left an hour ago, one written just now (an add may be writing it).
  // The pack that held only the rotten customers content lost its one row to the check: it is an
  // orphan now, and an hour old too.
  const packsDir = path.join(store.objects, 'packs');
  const packs = () =>
    new Map(fs.readdirSync(packsDir).map((f) => [f, fs.statSync(path.join(packsDir, f)).size]));
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const f of fs.readdirSync(packsDir)) fs.utimesSync(path.join(packsDir, f), hourAgo, hourAgo);
  const orphan = (content: string, at: Date) => {
    const hash = crypto.createHash('sha256').update(content).digest('hex');
    const file = path.join(store.objects, hash.slice(0, 2), hash.slice(2));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    fs.utimesSync(file, at, at);
    return file;
  };
  const old = orphan('left behind by an add that died', hourAgo);
  const young = orphan('being written right now', new Date());
  const packsBefore = packs();
  const dry = strata(host, 'gc', '--json').json as GcReport;
  expect(dry).toMatchObject({ applied: false, unreferenced: 2, young: 1 });
  await panel.getByTestId('store-cleanup').click();
  const gc = panel.getByTestId('gc-panel');
  await expect(gc).toHaveAttribute('data-phase', 'preview');
  await expect(gc.getByTestId('gc-summary')).toHaveText(
    `2 objects (${formatBytes(dry.bytes)}) belong to no version and would be removed.`,
  );
  await expect(gc.getByTestId('gc-young')).toHaveText(
    '1 object younger than 10 minutes is kept: an add may still be writing it.',
  );
  expect(fs.existsSync(old)).toBe(true);
  expect(packs()).toEqual(packsBefore);
  await shots(page, 'data-store-cleanup');

  // While another process versions, removal is refused, with the engine's reason.
  const marker = path.join(host.projectDir, '.strata', 'locks', `use-${process.pid}-e2e`);
  fs.writeFileSync(marker, '');
  await gc.getByTestId('gc-apply').click();
  const refusal = panel.getByTestId('error-notice');
  await expect(refusal).toHaveAttribute('data-code', 'CONFLICT');
  await expect(refusal).toContainText(
    `The object store is in use (versioning or a checkout in process ${process.pid})`,
  );
  expect(fs.existsSync(old)).toBe(true);
  fs.rmSync(marker);

  await gc.getByTestId('gc-apply').click();
  await expect(gc).toHaveAttribute('data-phase', 'applied');
  await expect(gc.getByTestId('gc-summary')).toHaveText(
    `Removed 2 objects (${formatBytes(dry.bytes)}) that no version used.`,
  );
  await expect(refusal).toHaveCount(0);
  expect(fs.existsSync(old)).toBe(false);
  expect(fs.existsSync(young)).toBe(true);
  const gone = [...packsBefore].filter(([f]) => !packs().has(f));
  expect(gone).toHaveLength(1);
  expect(dry.bytes).toBe(31 + gone[0][1]);
  expect(strata(host, 'gc', '--json').json).toEqual({ applied: false, unreferenced: 0, bytes: 0, young: 1 });
  const after = (await engine<ProjectStatus>(page, host, 'project.status')).objects;
  await expect(panel.getByTestId('store-totals')).toHaveText(new RegExp(`^${after.count} objects? · `));
  await gc.getByTestId('gc-close').click();
  await expect(gc).toHaveCount(0);

  // Alias history: nothing yet; then a second version, promoted after the first.
  const history = main.getByTestId('alias-history');
  await expect(history.getByTestId('alias-history-empty')).toContainText(
    'No alias has been set on customers yet',
  );
  const csv = path.join(host.projectDir, 'data', 'customers.csv');
  fs.appendFileSync(csv, '9999,1,20.5,0,month-to-month,0\n');
  await expect(main.getByTestId('version-row-2')).toBeVisible({ timeout: 15000 });
  await main.getByLabel('alias to promote').fill('prod');
  await main.getByTestId('promote-1').click();
  await expect(history.getByTestId('alias-move')).toHaveCount(1);
  await main.getByTestId('promote-2').click();
  await expect(history.getByTestId('alias-move')).toHaveCount(2);
  const moves = (strata(host, 'versions', 'customers', '--json').json as { aliasHistory: AliasChange[] })
    .aliasHistory;
  expect(moves.map(({ at: _at, ...m }) => m)).toEqual([
    { alias: 'prod', version: 1, previous: null },
    { alias: 'prod', version: 2, previous: 1 },
  ]);
  // Newest first.
  await expect(history.getByTestId('alias-move').nth(0).locator('td')).toHaveText([/./, 'prod', '@2', '@1']);
  await expect(history.getByTestId('alias-move').nth(1).locator('td')).toHaveText([/./, 'prod', '@1', 'new']);
  await shots(page, 'data-store-aliases');
});
