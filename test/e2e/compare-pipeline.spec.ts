import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test,
  expect,
  copyProject,
  exampleDir,
  repoRoot,
  screenPath,
  signIn,
  startHost,
  stopHost,
  type RunningHost,
} from './fixtures.js';

// Two real runs of the bundled example pipeline in a git repository: the second with another
// learning rate and an uncommitted edit to train.mjs. The compare view must show what differs —
// params, metrics, the model version each run wrote (linked to the Data section) and the patch —
// with the values the database holds, and draw the runs' curves without breaking the host's CSP.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;
let ids: string[];

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
const strata = (...args: string[]) =>
  sh(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args, '--project', dir]);

test.beforeAll(async () => {
  dir = copyProject(exampleDir);
  sh('git', ['init', '-q']);
  sh('git', ['add', '-A']);
  sh('git', ['commit', '-qm', 'example']);
  strata('run');
  fs.appendFileSync(path.join(dir, 'src', 'train.mjs'), '// tried a smaller step\n');
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(
    params,
    fs.readFileSync(params, 'utf8').replace(/learning_rate: [\d.]+/, 'learning_rate: 0.05'),
  );
  strata('run');
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  ids = db.prepare('SELECT id FROM runs ORDER BY started_at').pluck().all() as string[];
  db.close();
  expect(ids).toHaveLength(2);
  host = await startHost(dir);
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('two pipeline runs: the diff shows params, model versions and code, the curves draw within the CSP', async ({
  page,
}) => {
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|unsafe-eval/i.test(m.text())) cspErrors.push(m.text());
  });
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  const lr = (id: string) =>
    JSON.parse(
      db
        .prepare("SELECT value FROM run_params WHERE run_id = ? AND key = 'train.learning_rate'")
        .pluck()
        .get(id) as string,
    ) as number;
  const acc = (id: string) =>
    db
      .prepare("SELECT value FROM run_metrics WHERE run_id = ? AND key = 'test.accuracy'")
      .pluck()
      .get(id) as number;
  const lossPoints = db
    .prepare("SELECT sum(count) FROM run_metrics WHERE key = 'loss'")
    .pluck()
    .get() as number;
  const commit = db.prepare('SELECT git_commit FROM runs WHERE id = ?').pluck().get(ids[0]) as string;
  const models = db
    .prepare(
      "SELECT v.number FROM run_io io JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = 'model' AND io.role = 'out' ORDER BY io.run_id = ? DESC",
    )
    .pluck()
    .all(ids[0]) as number[];
  const lrs = ids.map(lr);
  const accs = ids.map(acc);
  db.close();
  expect(lrs).toEqual([0.1, 0.05]);

  await signIn(page, host);
  await page.getByRole('navigation').getByText('Compare', { exact: true }).click();
  // Dotted keys from params.yaml and metrics.json work in expressions as written.
  await page.getByTestId('filter-input').fill('train.learning_rate < 0.1 and test.accuracy > 0');
  await expect(page.locator('[data-testid=runs-table] [data-run-id]')).toHaveCount(1);
  await expect(page.locator(`[data-run-id="${ids[1]}"] [data-col="metric:test.accuracy"]`)).toHaveAttribute(
    'data-value',
    String(accs[1]),
  );
  await page.getByTestId('filter-input').fill('');

  // The data-version filter lists the versions runs used; each model version belongs to one run.
  await page.getByLabel('Data version').selectOption(`model@v${models[0]}`);
  await expect(page.locator('[data-testid=runs-table] [data-run-id]')).toHaveCount(1);
  await expect(page.locator('[data-testid=runs-table] [data-run-id]')).toHaveAttribute('data-run-id', ids[0]);
  await page.getByLabel('Data version').selectOption('');

  for (const id of ids) await page.locator(`[data-run-id="${id}"] input[type=checkbox]`).check();
  await page.getByTestId('compare-button').click();
  const loss = page.locator('[data-metric="loss"]');
  await expect(loss).toHaveAttribute('data-points-stored', String(lossPoints));
  await expect(loss.locator('[data-drawn]')).toHaveCount(1);
  await expect(loss.locator('.scatterlayer .trace')).toHaveCount(2);

  // Export a chart as PNG: a real PNG file comes down.
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    loss.getByRole('button', { name: 'PNG' }).click(),
  ]);
  const bytes = fs.readFileSync((await png.path())!);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

  await page.getByRole('tab', { name: 'Diff' }).click();
  const row = page.getByTestId('diff-params').locator('tr[data-key="train.learning_rate"]');
  await expect(row).toHaveAttribute('data-differs', 'true');
  await expect(row.locator('td')).toHaveText(['0.1', '0.05']);
  await expect(page.getByTestId('diff-params').locator('tr[data-key="prepare.seed"]')).toHaveCount(0);
  await expect(page.getByTestId('diff-code')).toContainText(commit.slice(0, 12));
  await expect(page.getByTestId('diff-code').locator('tr.diff-row--differs')).toContainText(
    'uncommitted changes',
  );
  await page
    .getByTestId('diff-code')
    .getByText(/lines of patch/)
    .click();
  await expect(page.getByTestId('diff-code').locator('.patch-add')).toContainText([
    '+// tried a smaller step',
  ]);
  const link = page
    .getByTestId('diff-data')
    .getByRole('link', { name: `model@v${models[1]}` })
    .first();
  await expect(link).toBeVisible();
  await page.getByTestId('compare-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('compare-pipeline-diff') });
  await link.click();
  // The link names the data section; a model artifact is shown by Models, with the two versions' diff open.
  await expect(page.locator('main[data-section="models"]')).toBeVisible();
  await expect(page.getByRole('heading', { name: `Changes @${models[0]} → @${models[1]}` })).toBeVisible();
  // The address names what is shown, so it can be copied or gone back to.
  expect(new URL(page.url()).hash).toBe(`#models/diff/model/${models[0]}/${models[1]}`);
  expect(cspErrors).toEqual([]);
});

test('a run started in the app appears in the table when it ends, without a refresh', async ({ page }) => {
  await signIn(page, host);
  await page.getByRole('navigation').getByText('Compare', { exact: true }).click();
  await expect(page.locator('.section-header__subtitle')).toContainText('2 runs');
  const res = await page.request.post(`${host.origin}/api/call/pipelines.run`, { data: { force: true } });
  const { result } = (await res.json()) as { result: { runId: string } };
  expect(result.runId).toBeTruthy();
  await expect(page.locator('.section-header__subtitle')).toContainText('3 runs', { timeout: 30000 });
  await expect(
    page.locator(`[data-testid=runs-table] [data-run-id="${result.runId}"] [data-col="field:status"]`),
  ).toHaveText('done', { timeout: 30000 });
});
