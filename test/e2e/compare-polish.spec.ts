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

// Three runs logged from a terminal by the Python client, with long names and a param and a metric
// that never change: the scatter starts on columns that vary, and parallel coordinates show every
// label whole, none cut at the edge or run into its neighbour.
test.describe.configure({ mode: 'serial' });
let host: RunningHost;
let dir: string;

const SCRIPT = `
import sys, strata
i = int(sys.argv[1])
with strata.start_run(name="trial-%d" % i):
    strata.log_params({
        "a_constant_parameter_with_a_rather_long_name": 1,
        "optimizer_learning_rate_schedule_warmup_steps": 100 * i,
        "dropout": 0.1 * i,
    })
    strata.log_metrics({"an_unchanging_metric_name": 1.0, "validation_accuracy_at_the_final_epoch": 0.5 + 0.1 * i})
`;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-polish-'));
  fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: polish\n');
  fs.writeFileSync(path.join(dir, 'trial.py'), SCRIPT);
  host = await startHost(dir);
  for (const i of [1, 2, 3]) {
    const r = spawnSync('/usr/bin/python3', ['trial.py', String(i)], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'resources', 'clients', 'python') },
    });
    expect(r.status, r.stderr).toBe(0);
  }
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the scatter starts on columns that vary; parallel-coordinate labels are never clipped', async ({
  page,
}) => {
  await signIn(page, host);
  await page.getByRole('navigation', { name: 'Sections' }).getByText('Compare', { exact: true }).click();
  const rows = page.locator('[data-testid=runs-table] [role=row][data-run-id]');
  await expect(rows).toHaveCount(3, { timeout: 20000 });
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')!));
  await page.goto(`${host.origin}/#compare?runs=${ids.join(',')}`);
  const view = page.getByTestId('compare-view');

  await view.getByRole('tab', { name: 'Scatter' }).click();
  await expect(view.getByLabel('Scatter param')).not.toHaveValue(
    'param:a_constant_parameter_with_a_rather_long_name',
  );
  await expect(view.getByLabel('Scatter param')).toHaveValue(/^param:(dropout|optimizer_\w+)$/);
  await expect(view.getByLabel('Scatter metric')).toHaveValue(
    'metric:validation_accuracy_at_the_final_epoch',
  );

  await view.getByRole('tab', { name: 'Parallel coordinates' }).click();
  const svg = view.locator('svg.pc');
  await expect(svg.locator('.pc__title')).toHaveCount(4);
  const box = (await svg.boundingBox())!;
  const labels = await svg.locator('.pc__title, .pc__tick').evaluateAll((els) =>
    els.map((e) => ({
      text: e.textContent,
      title: e.classList.contains('pc__title'),
      ...e.getBoundingClientRect().toJSON(),
    })),
  );
  for (const l of labels) {
    expect(l.left, `${l.text} starts inside the chart`).toBeGreaterThanOrEqual(box.x);
    expect(l.right, `${l.text} ends inside the chart`).toBeLessThanOrEqual(box.x + box.width);
  }
  const titles = labels.filter((l) => l.title).sort((a, b) => a.left - b.left);
  for (let i = 1; i < titles.length; i++)
    expect(titles[i].left, `${titles[i].text} clears ${titles[i - 1].text}`).toBeGreaterThan(
      titles[i - 1].right,
    );
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenPath('compare-parallel-labels') });
});
