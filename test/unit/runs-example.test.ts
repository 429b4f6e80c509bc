import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../electron/core/project/project.js';
import { ingestInbox } from '../../electron/core/runs/inbox.js';
import { runDetail } from '../../electron/core/runs/repo.js';
import { readSeries } from '../../electron/core/metrics/series.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function copyExample(name: string): string {
  const t = tempDir('strata-example-');
  cleanup = t.cleanup;
  const dir = path.join(t.dir, name);
  fs.cpSync(path.join(repoRoot, 'resources', 'examples', name), dir, { recursive: true });
  return dir;
}

const hasPython = spawnSync('python3', ['--version']).status === 0;
/**
 * Debian's python3-sklearn installs for /usr/bin/python3, which a pyenv or venv python3 earlier on
 * PATH does not see; the example's steps call `python3`, so put the first one with sklearn in front.
 */
const sklearnPython = ['python3', '/usr/bin/python3'].find(
  (py) => spawnSync(py, ['-c', 'import sklearn, pandas']).status === 0,
);
const hasSklearn = sklearnPython !== undefined;
const sklearnEnv = sklearnPython?.includes('/')
  ? { PATH: `${path.dirname(sklearnPython)}${path.delimiter}${process.env.PATH ?? ''}` }
  : {};

describe('the bundled example', () => {
  it('runs end to end with Node alone: a metric series per epoch, evaluation metrics, a versioned dataset and model', () => {
    const dir = copyExample('tabular');
    const first = runCli(['run', '--project', dir]);
    expect(first.stderr).toMatch(/run \w+ done/);
    expect(first.code).toBe(0);
    const [run] = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout);
    expect(run.status).toBe('done');
    expect(run.stages.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done']);
    expect(run.metrics['test.accuracy']).toBeGreaterThan(0.8);
    expect(run.params['train.epochs']).toBe(60);
    expect(run.versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'out', artifact: 'prepared', stage: 'prepare' }),
        expect.objectContaining({ role: 'out', artifact: 'model', stage: 'train' }),
        expect.objectContaining({ role: 'in', artifact: 'customers', stage: 'prepare' }),
      ]),
    );
    const project = Project.open(dir);
    try {
      const detail = runDetail(project, run.id);
      expect(detail.metricInfo.find((m) => m.key === 'loss')).toMatchObject({ count: 60, step: 59 });
      const loss = readSeries(project.db, run.id, 'loss', 1000, 'step');
      expect(loss.ys[59]).toBeLessThan(loss.ys[0]);
      expect(detail.environment).toMatchObject({ node: process.version });
    } finally {
      project.close();
    }
    const logs = runCli(['logs', run.id, 'train', '--project', dir]);
    expect(logs.stdout).toContain('train: 60 epochs');
    const shown = runCli(['show', run.id, '--project', dir]);
    expect(shown.stdout).toContain('wrote model@1  models/model.json  (train)');

    const again = runCli(['run', '--project', dir]);
    expect(again.code).toBe(0);
    expect(again.stderr.match(/: skipped \(up to date/g)).toHaveLength(3);
    const dry = runCli(['run', '--dry', '--project', dir]);
    fs.appendFileSync(path.join(dir, 'data', 'customers.csv'), '9999,12,50.0,1,one-year,0\n');
    const dry2 = runCli(['run', '--dry', '--project', dir]);
    expect(dry.stdout).not.toContain('would run');
    expect(dry2.stdout).toMatch(/prepare\s+would run\s+dep changed: data\/customers.csv/);
  }, 180000);
});

describe('the Python client', () => {
  it.skipIf(!hasPython)(
    'logs params, metrics, tags and NaN from a pipeline step, and from a terminal into the inbox',
    async () => {
      const t = tempDir('strata-py-');
      cleanup = t.cleanup;
      const dir = t.dir;
      fs.writeFileSync(
        path.join(dir, 'strata.yaml'),
        'stages:\n  fit:\n    cmd: python3 fit.py\n    deps: [fit.py]\n',
      );
      fs.writeFileSync(
        path.join(dir, 'fit.py'),
        `import strata_client as strata
with strata.start_run(name="py"):
    strata.log_params({"lr": 0.5, "opt": "sgd"})
    strata.set_tag("lang", "python")
    for i in range(1000):
        strata.log_metric("loss", 1.0 / (i + 1), step=i)
    strata.log_metrics({"acc": 0.9, "bad": float("nan")})
    strata.log_metric("loss", float("inf"))
print("fit done")
`,
      );
      const res = runCli(['run', '--project', dir]);
      expect(res.stdout).toContain('fit done');
      expect(res.code).toBe(0);
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
      const outside = spawnSync('python3', ['fit.py'], {
        cwd: dir,
        env: { ...env, PYTHONPATH: path.join(repoRoot, 'resources', 'clients', 'python') },
        encoding: 'utf8',
      });
      expect(outside.status).toBe(0);
      const project = Project.open(dir);
      try {
        const [inboxRun] = await ingestInbox(project);
        const piped = project.db
          .prepare("SELECT id FROM runs WHERE kind = 'pipeline'")
          .pluck()
          .get() as string;
        for (const id of [piped, inboxRun]) {
          const r = runDetail(project, id);
          expect(r.params).toMatchObject({ lr: 0.5, opt: 'sgd' });
          expect(r.tags).toMatchObject({ lang: 'python' });
          expect(r.metrics).toMatchObject({ acc: 0.9, loss: 1 / 1000 });
          expect(r.metricInfo.find((m) => m.key === 'loss')?.count).toBe(1000);
          expect(r.nonFiniteValues).toBe(2);
          expect(r.skippedLines).toBe(0);
        }
        expect(runDetail(project, inboxRun)).toMatchObject({ kind: 'inbox', name: 'py', status: 'done' });
      } finally {
        project.close();
      }
    },
    120000,
  );

  it.skipIf(!hasSklearn)(
    'runs the scikit-learn example where python3-sklearn is installed',
    () => {
      const dir = copyExample('sklearn');
      const res = runCli(['run', '--project', dir], { env: sklearnEnv });
      expect(res.stderr).toMatch(/run \w+ done/);
      expect(res.code).toBe(0);
      const [run] = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout);
      expect(run.metrics['test.accuracy']).toBeGreaterThan(0.7);
    },
    180000,
  );
});

if (!hasSklearn) {
  describe('the scikit-learn example', () => {
    it.skip(`is skipped: ${hasPython ? 'python3 has no sklearn (apt-get install python3-sklearn)' : 'python3 is not installed'}`, () =>
      undefined);
  });
}
