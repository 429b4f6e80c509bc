import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, repoRoot, screenPath, signIn, startHost, stopHost, test } from './fixtures.js';

// A researcher's first hour, as the README tells it: the `strata` command installed from the clone,
// the Python client pip-installed into a virtualenv, a scikit-learn script with autolog() run from a
// terminal in a fresh git folder, `strata init`, a commit that takes no Strata data, and the run in
// the UI with its artifacts, environment and output.
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import sklearn, venv'], { stdio: 'ignore' }).status === 0,
);

const TRAIN = `import strata
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

strata.autolog()
X, y = make_classification(n_samples=400, random_state=0)
print("loaded", len(X), "rows")
model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
print("train accuracy", model.score(X, y))
`;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300000 });
  expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

test.skip(!python, 'needs a python3 with scikit-learn and venv (Debian: python3-sklearn python3-venv)');

test('first hour: install, a terminal run with autolog, git stays clean, the run in the UI', async ({
  page,
}) => {
  test.setTimeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fresh-'));
  try {
    // The command, installed from the clone as the README says (npm install -g . → a link to it).
    const prefix = path.join(tmp, 'global');
    sh(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', repoRoot],
      tmp,
    );
    const strata = path.join(prefix, 'bin', 'strata');
    const clientDir = sh(strata, ['client', 'path', 'python'], tmp).trim();
    expect(clientDir).toBe(path.join(repoRoot, 'resources', 'clients', 'python'));
    // The client, into a virtualenv that sees Debian's scikit-learn.
    const venv = path.join(tmp, 'venv');
    sh(python!, ['-m', 'venv', '--system-site-packages', venv], tmp);
    sh(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', clientDir], tmp);

    const dir = path.join(tmp, 'churn');
    fs.mkdirSync(dir);
    const git = (...a: string[]) => sh('git', ['-c', 'user.email=r@lab', '-c', 'user.name=R', ...a], dir);
    git('init', '-q');
    fs.writeFileSync(path.join(dir, 'train.py'), TRAIN);
    sh(strata, ['init'], dir);
    git('add', '-A');
    git('commit', '-qm', 'first');
    // From a terminal, outside any pipeline, with nothing of Strata's on PYTHONPATH.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
    const run = spawnSync(path.join(venv, 'bin', 'python'), ['train.py'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('train accuracy');
    // The run's model and Strata's database stay out of git.
    git('add', '-A');
    expect(git('status', '--porcelain').trim()).toBe('');
    const tracked = git('ls-files').trim().split('\n').sort();
    expect(tracked).toEqual(['.gitignore', 'strata.yaml', 'train.py']);

    const host = await startHost(dir);
    try {
      await signIn(page, host);
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Runs/ }).click();
      await page.getByText('train.py #1').first().click();
      await expect(page.getByTestId('run-status')).toHaveText('done');
      await expect(page.getByTestId('run-params')).toContainText('n_estimators20');
      await expect(page.getByTestId('run-metrics')).toContainText('training_accuracy_score');
      const artifacts = page.getByTestId('run-artifacts');
      await expect(artifacts).toContainText('models/randomforestclassifier');
      await expect(artifacts).toContainText('randomforestclassifier@1');
      await expect(page.getByText(/CPython 3\.\d+/)).toBeVisible();
      await expect(page.getByTestId('run-log')).toContainText('loaded 400 rows');
      await expect(page.getByTestId('run-log')).toContainText('train accuracy');
      await page.screenshot({ path: screenPath('fresh-user-run'), fullPage: true });
    } finally {
      await stopHost(host);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
