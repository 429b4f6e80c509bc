import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
} from './fixtures.js';

// A deploy bundle opened for review in the UI: from the start screen with no project open, and from a
// project's Review section. Made by a colleague: exported from a dirty working tree and signed with a
// key of another machine, so the signature shows as unknown, the diff as carried.
test.describe.configure({ mode: 'serial' });

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
function sh(cmd: string, args: string[], cwd: string, env = gitEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

let dir = '';
let work = '';
let bundle = '';
let tampered = '';

test.beforeAll(() => {
  dir = copyProject(exampleDir);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-bundle-'));
  const colleague = { ...gitEnv, STRATA_HOME: path.join(work, 'colleague-home') };
  const strata = (args: string[]) =>
    sh(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], dir, colleague);
  fs.writeFileSync(path.join(dir, '.gitignore'), '.strata/\ndata/\nmodels/\nreports/\n');
  sh('git', ['init', '-q'], dir);
  sh('git', ['add', '.'], dir);
  sh('git', ['commit', '-qm', 'example'], dir);
  // Uncommitted: fewer epochs.
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace(/epochs:\s*60/, 'epochs: 20'));
  // Untracked, not ignored: the run's code state keeps it and the bundle carries it.
  fs.writeFileSync(path.join(dir, 'scratch_features.py'), 'EXTRA_FEATURES = ["tenure_sq"]\n');
  strata(['run']);
  bundle = path.join(work, 'churn-model.tar');
  strata(['bundle', 'export', 'model@1', '-o', bundle, '--sign']);
  const bytes = fs.readFileSync(bundle);
  bytes[bytes.indexOf('epochs: 20') + 8] ^= 0x01;
  tampered = path.join(work, 'tampered.tar');
  fs.writeFileSync(tampered, bytes);
});
test.afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

test('with no project open, the start screen opens a bundle for review, read-only', async ({ page }) => {
  const host = await startHost(null);
  try {
    await signIn(page, host);
    await expect(page.getByTestId('start-screen')).toBeVisible();
    const form = page.getByTestId('open-bundle');
    await form.getByLabel('Bundle file').fill(tampered);
    await form.getByRole('button', { name: 'Open bundle' }).click();
    await expect(form.getByTestId('error-notice')).toContainText(
      'tampered.tar is refused: code/diff.patch does not match its sha256',
    );

    await form.getByLabel('Bundle file').fill(bundle);
    await form.getByRole('button', { name: 'Open bundle' }).click();
    const review = page.getByTestId('bundle-review');
    await expect(review).toBeVisible();
    await expect(review.getByRole('heading', { name: 'model@1' })).toBeVisible();
    await expect(review.getByTestId('bundle-signature')).toHaveText(
      /^signed by a key this machine does not trust · [0-9a-f]{16}$/,
    );
    await expect(review.getByTestId('bundle-diffstat')).toContainText('params.yaml');
    await expect(review.getByTestId('bundle-diff')).toContainText('+  epochs: 20');
    await expect(review.getByTestId('bundle-code')).toContainText('uncommitted changes: 1 file');
    await expect(review.getByTestId('bundle-data')).toContainText('customers@1');
    await expect(review.getByTestId('bundle-run')).toContainText('train.epochs');
    await expect(review.getByTestId('bundle-files')).toContainText('code/diff.patch');
    await expect(review.getByTestId('bundle-untracked')).toContainText('scratch_features.py');
    await page.screenshot({ path: screenPath('bundle-review-start'), fullPage: true });

    // The review as one HTML file, saved by the browser, that opens with every request blocked.
    const saved = page.waitForEvent('download');
    await review.getByTestId('bundle-export-review').click();
    const download = await saved;
    expect(download.suggestedFilename()).toBe('review-bundle-model-1.html');
    const file = path.join(work, 'review.html');
    await download.saveAs(file);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('+  epochs: 20');
    const report = await page.context().newPage();
    const requests: string[] = [];
    await report.route('**/*', (r) => {
      requests.push(r.request().url());
      return r.abort();
    });
    await report.setContent(html);
    await expect(report.getByRole('heading', { name: 'Review of bundle model@1' })).toBeVisible();
    await report.screenshot({ path: screenPath('bundle-review-report'), fullPage: true });
    expect(requests).toEqual([]);
    await report.close();
    // Nothing was opened as a project: Back is the start screen again.
    await page.getByRole('button', { name: '← Back' }).click();
    await expect(page.getByTestId('start-screen')).toBeVisible();
  } finally {
    await stopHost(host);
  }
});

test("in a project, Review's Deploy bundle card opens one beside the project's own lineage", async ({
  page,
}) => {
  const host = await startHost(dir);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Review/ })
      .click();
    const form = page.getByTestId('open-bundle');
    await form.getByLabel('Bundle file').fill(bundle);
    await page.screenshot({ path: screenPath('bundle-review-card') });
    await form.getByRole('button', { name: 'Open bundle' }).click();
    const review = page.getByTestId('bundle-review');
    await expect(review.getByTestId('bundle-diff')).toContainText('+  epochs: 20');
    await page.screenshot({ path: screenPath('bundle-review-section'), fullPage: true });
    await page.getByRole('button', { name: /^← Back to / }).click();
    await expect(page.getByTestId('verify-card')).toBeVisible();
  } finally {
    await stopHost(host);
  }
});

test('a version imported from a bundle is marked in Models, with the lineage the bundle carried, read-only', async ({
  page,
}) => {
  const dst = path.join(work, 'importer');
  fs.mkdirSync(dst);
  // The colleague's own machine (its key is trusted there; another machine refuses an unknown signer).
  const env = { ...gitEnv, STRATA_HOME: path.join(work, 'colleague-home') };
  const strata = (args: string[]) =>
    sh(process.execPath, [path.join(repoRoot, 'bin', 'strata.js'), ...args], dst, env);
  strata(['init']);
  strata(['bundle', 'import', bundle]);
  const host = await startHost(dst);
  try {
    await signIn(page, host);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Models/ })
      .click();
    await expect(page.getByText('imported', { exact: true })).toBeVisible();
    const mark = page.getByTestId('imported-from');
    await expect(mark).toContainText(/Imported from bundle churn-model\.tar · signed by [0-9a-f]{16} · on /);
    await expect(mark).toContainText('It was model@1 where it came from');
    await expect(mark.getByTestId('imported-lineage')).toContainText('customers@1');
    await expect(mark).toContainText('cannot be reproduced or opened here');
    // Its run is not in this project: no link to a run, no "Run behind" pane.
    await expect(page.getByTestId('source-run')).toHaveCount(0);
    await page.screenshot({ path: screenPath('models-imported'), fullPage: true });
  } finally {
    await stopHost(host);
  }
});
