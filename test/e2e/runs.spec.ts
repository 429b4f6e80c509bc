import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  test,
  expect,
  copyProject,
  exampleDir,
  screenPath,
  signIn,
  startHost,
  stopHost,
  type RunningHost,
} from './fixtures.js';

// The bundled example run from the Pipelines section of the real `strata ui`, then read back in the
// Runs section: the values on screen are the ones the database holds.
test.describe.configure({ mode: 'serial' });

function readDb<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

test('Pipelines runs the example: stale stages turn fresh, output streams live; the run page shows its record', async ({
  page,
}) => {
  const dir = copyProject(exampleDir);
  const host: RunningHost = await startHost(dir);
  try {
    await signIn(page, host);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('button', { name: /^Pipelines/ }).click();
    for (const stage of ['prepare', 'train', 'evaluate'])
      await expect(page.getByTestId(`dag-node-${stage}`)).toHaveAttribute('data-state', 'stale');
    await expect(page.getByTestId('stage-row-prepare')).toContainText('never run successfully before');
    await page.getByTestId('run-pipeline').click();
    await expect(page.getByTestId('live-log')).toContainText('train: 60 epochs', { timeout: 60000 });
    await expect(page.getByTestId('live-run-status')).toHaveText('done', { timeout: 60000 });
    for (const stage of ['prepare', 'train', 'evaluate'])
      await expect(page.getByTestId(`dag-node-${stage}`)).toHaveAttribute('data-state', 'fresh');
    await expect(page.getByTestId('stage-row-train')).toContainText('up to date');
    // Each line once (a remount must not double the event stream), and no stale answer left the run looking busy.
    expect(
      (await page.getByTestId('live-log').textContent())!.split('prepare: 600 training rows').length - 1,
    ).toBe(1);
    await expect(page.getByTestId('cancel-run')).toBeDisabled();
    await expect(page.getByTestId('run-pipeline')).toBeEnabled();
    await page.screenshot({ path: screenPath('pipelines-after-run'), fullPage: true });

    const { id, accuracy, lossCount } = readDb(dir, (db) => ({
      id: db.prepare('SELECT id FROM runs').pluck().get() as string,
      accuracy: db
        .prepare("SELECT value FROM run_metrics WHERE key = 'test.accuracy'")
        .pluck()
        .get() as number,
      lossCount: db.prepare("SELECT count FROM run_metrics WHERE key = 'loss'").pluck().get() as number,
    }));
    expect(lossCount).toBe(60);
    await nav.getByRole('button', { name: /^Runs/ }).click();
    const row = page.getByTestId(`run-row-${id}`);
    await expect(row).toContainText('done');
    await expect(row.locator('[data-col="field:data"]')).toContainText('model@v1');
    await page.screenshot({ path: screenPath('runs-list'), fullPage: true });
    await row.click();
    await expect(page.getByTestId('run-status')).toHaveText('done');
    await expect(page.getByTestId('run-metrics')).toContainText(
      `test.accuracy${String(Number(accuracy.toPrecision(4)))}`,
    );
    await expect(page.getByTestId('run-params')).toContainText('train.learning_rate0.1');
    await expect(page.getByTestId('run-lineage')).toContainText('customers@1');
    await expect(page.getByTestId('chart-loss').locator('.chart__plot')).toHaveAttribute(
      'data-drawn',
      /\d+/,
      { timeout: 20000 },
    );
    await page.getByTestId('chart-loss').screenshot({ path: screenPath('run-chart-loss') });
    await expect(page.getByTestId('run-log')).toContainText('prepare: 600 training rows');
    await page.getByTestId('log-stage').selectOption('evaluate');
    await expect(page.getByTestId('run-log')).not.toContainText('prepare: 600 training rows');
    await expect(page.getByTestId('run-log')).toContainText('evaluate:');

    await page.getByTestId('tag-input').fill('baseline=yes');
    await page.getByTestId('tag-add').click();
    await expect(page.getByTestId('run-tags')).toContainText('baseline=yes');
    await page.getByTestId('note-input').fill('first try, lr 0.1');
    await page.getByTestId('note-save').click();
    await expect(page.getByTestId('note-save')).toBeDisabled();
    const saved = readDb(dir, (db) => ({
      note: db.prepare('SELECT note FROM runs WHERE id = ?').pluck().get(id),
      tag: db.prepare("SELECT value FROM run_tags WHERE run_id = ? AND key = 'baseline'").pluck().get(id),
    }));
    expect(saved).toEqual({ note: 'first try, lr 0.1', tag: 'yes' });
    await page.screenshot({ path: screenPath('run-page'), fullPage: true });
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a step that never ends is cancelled from the UI, and a broken pipeline names its file and line', async ({
  page,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-cancel-'));
  fs.writeFileSync(
    path.join(dir, 'strata.yaml'),
    'stages:\n  forever:\n    cmd: "echo started; sleep 300 & echo $! > sleeper.pid; wait"\n',
  );
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    await page.getByTestId('run-pipeline').click();
    await expect(page.getByTestId('dag-node-forever')).toHaveAttribute('data-state', 'running', {
      timeout: 20000,
    });
    await expect(page.getByTestId('live-log')).toContainText('started');
    const sleeper = Number(fs.readFileSync(path.join(dir, 'sleeper.pid'), 'utf8'));
    await page.getByTestId('cancel-run').click();
    await expect(page.getByTestId('live-run-status')).toHaveText('cancelled', { timeout: 20000 });
    await expect
      .poll(
        () => {
          try {
            process.kill(sleeper, 0);
            return 'alive';
          } catch {
            return 'gone';
          }
        },
        { timeout: 10000 },
      )
      .toBe('gone');

    fs.writeFileSync(
      path.join(dir, 'strata.yaml'),
      'stages:\n  a:\n    cmd: "true"\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: "true"\n    deps: [a.txt]\n    outs: [b.txt]\n',
    );
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Runs/ }).click();
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Pipelines/ })
      .click();
    await expect(page.getByTestId('error-notice')).toContainText('cycle');
    await expect(page.getByTestId('error-where')).toContainText('strata.yaml:');
    await page.screenshot({ path: screenPath('pipelines-cycle'), fullPage: true });
  } finally {
    await stopHost(host);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
