import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MlflowImportReport } from '../../shared/api/imports.js';
import { Project } from '../../electron/core/project/project.js';
import { restoreVersion } from '../../electron/core/store/api.js';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  writeAlias,
  writeExperiment,
  writeModelVersion,
  writeRun,
  type FixturePoint,
  type FixtureRun,
} from '../helpers/mlflow-fixture.js';

const t = tempDir('strata-import-mlflow-');
afterAll(() => t.cleanup());

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const B = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
const T0 = 1_700_000_000_000;

function series(n: number, f: (i: number) => number): FixturePoint[] {
  return Array.from({ length: n }, (_, i) => ({ timestamp: T0 + i * 37, value: f(i), step: i * 2 }));
}

const runA: FixtureRun = {
  id: A,
  experimentId: '1',
  name: 'baseline',
  status: 3,
  startTime: T0,
  endTime: T0 + 60_000,
  user: 'alice',
  source: '/home/alice/train.py',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  params: { lr: '0.1', epochs: '10', optimizer: 'adam', eps: '1e-05', layers: '[64, 32]' },
  tags: {
    'mlflow.runName': 'baseline',
    'mlflow.user': 'alice',
    'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567',
    team: 'risk: credit\nline two',
  },
  metrics: {
    loss: series(50, (i) => 1 / (i + 1)),
    'val/accuracy': series(5, (i) => 0.5 + i * 0.1),
    odd: [
      { timestamp: T0, value: 'nan', step: 0 },
      { timestamp: T0 + 1, value: 'inf', step: 1 },
      { timestamp: T0 + 2, value: '-inf', step: 2 },
      { timestamp: T0 + 3, value: -2.5e-7 },
    ],
  },
  artifacts: {
    'model/MLmodel': 'flavors:\n  sklearn: {}\n',
    'model/model.pkl': crypto.randomBytes(200_000),
    'plots/curve.png': crypto.randomBytes(3_000_000),
  },
};
const runB: FixtureRun = {
  id: B,
  experimentId: '1',
  name: 'wide',
  status: 'FAILED',
  startTime: T0 + 100_000,
  endTime: T0 + 160_000,
  params: { lr: '0.3', epochs: '10', optimizer: 'adam' },
  tags: { 'mlflow.runName': 'wide' },
  // more points than one stored chunk holds
  metrics: { loss: series(10_000, (i) => Math.sin(i) * 3) },
  artifacts: { 'model/model.pkl': crypto.randomBytes(5_000) },
};

function fixture(root: string): void {
  writeExperiment(root, { id: '0', name: 'Default' });
  writeExperiment(root, { id: '1', name: 'churn' });
  writeRun(root, runA);
  writeRun(root, runB);
  writeRun(root, {
    id: 'c'.repeat(32),
    experimentId: '1',
    status: 5,
    startTime: T0,
    endTime: null,
    deleted: true,
  });
  writeExperiment(root, { id: '7', name: 'gone', deleted: true });
  writeModelVersion(root, 'churn', 1, { source: `runs:/${A}/model`, runId: A });
  writeModelVersion(root, 'churn', 2, {
    source: `file://${path.join(root, '1', B, 'artifacts', 'model')}`,
    runId: B,
  });
  writeModelVersion(root, 'churn', 3, { source: `runs:/${A}/model`, runId: A, deleted: true });
  writeAlias(root, 'churn', 'champion', 2);
  writeAlias(root, 'churn', 'challenger', 1);
}

function importJson(project: string, mlruns: string, extra: string[] = []) {
  const r = runCli(['import', 'mlflow', mlruns, '--json', '--project', project, ...extra]);
  return {
    code: r.code,
    stderr: r.stderr,
    report: r.stdout ? (JSON.parse(r.stdout) as MlflowImportReport) : null,
  };
}

function storedPoints(project: Project, runId: string, key: string) {
  const rows = project.db
    .prepare('SELECT n, steps, vals, times FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY seq')
    .all(runId, key) as { n: number; steps: Buffer; vals: Buffer; times: Buffer }[];
  const out: { step: number; value: number; time: number }[] = [];
  for (const r of rows) {
    const f = (b: Buffer) => new Float64Array(new Uint8Array(b).buffer);
    const [s, v, tm] = [f(r.steps), f(r.vals), f(r.times)];
    for (let i = 0; i < r.n; i++) out.push({ step: s[i], value: v[i], time: tm[i] });
  }
  return out;
}

function expected(points: FixturePoint[]) {
  const num = (v: number | string) =>
    typeof v === 'number' ? v : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN;
  return points.map((p) => ({ step: p.step ?? 0, value: num(p.value), time: p.timestamp }));
}

function counts(dir: string) {
  const project = Project.open(dir);
  try {
    const one = (sql: string) => project.db.prepare(sql).pluck().get() as number;
    return {
      runs: one('SELECT count(*) FROM runs'),
      params: one('SELECT count(*) FROM run_params'),
      tags: one('SELECT count(*) FROM run_tags'),
      points: one('SELECT coalesce(sum(n), 0) FROM metric_chunks'),
      versions: one('SELECT count(*) FROM versions'),
      aliases: one('SELECT count(*) FROM aliases'),
    };
  } finally {
    project.close();
  }
}

describe('strata import mlflow', () => {
  const project = path.join(t.dir, 'project');
  const mlruns = path.join(t.dir, 'mlruns');

  it('imports every run, param, tag, metric point, artifact and registry version intact', async () => {
    fixture(mlruns);
    expect(runCli(['init', project]).code).toBe(0);
    const { code, report, stderr } = importJson(project, mlruns);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report!.problems).toEqual([]);
    expect(report!.created).toBe(2);
    expect(report!.deletedSkipped).toBe(1);
    expect(report!.experiments).toEqual(['Default', 'churn']);
    expect(report!.points).toBe(50 + 5 + 4 + 10_000);

    const p = Project.open(project);
    try {
      const idOf = (mlflowId: string) => report!.runs.find((r) => r.mlflowId === mlflowId)!.runId;
      const a = p.db.prepare('SELECT * FROM runs WHERE id = ?').get(idOf(A)) as Record<string, unknown>;
      expect(a).toMatchObject({
        name: 'baseline',
        kind: 'client',
        status: 'done',
        started_at: T0,
        ended_at: T0 + 60_000,
        git_commit: runA.gitCommit,
      });
      const b = p.db.prepare('SELECT status, name FROM runs WHERE id = ?').get(idOf(B));
      expect(b).toEqual({ status: 'failed', name: 'wide' });

      const params = Object.fromEntries(
        p.db.prepare('SELECT key, value FROM run_params WHERE run_id = ?').raw().all(idOf(A)) as [
          string,
          string,
        ][],
      );
      // numbers that print back as logged become numbers (Compare filters them); the rest stay text
      expect(params).toEqual({
        lr: '0.1',
        epochs: '10',
        optimizer: '"adam"',
        eps: '"1e-05"',
        layers: '"[64, 32]"',
      });
      const tags = Object.fromEntries(
        p.db.prepare('SELECT key, value FROM run_tags WHERE run_id = ?').raw().all(idOf(A)) as [
          string,
          string,
        ][],
      );
      expect(tags).toMatchObject({
        ...runA.tags,
        'import.source': 'mlflow',
        'import.mlflow.run_id': A,
        'import.mlflow.experiment': 'churn',
        'import.mlflow.user': 'alice',
        'import.mlflow.source': '/home/alice/train.py',
      });

      for (const [run, id] of [
        [runA, idOf(A)],
        [runB, idOf(B)],
      ] as const) {
        for (const [key, points] of Object.entries(run.metrics!))
          expect(storedPoints(p, id, key), `${run.name} ${key}`).toEqual(expected(points));
      }

      // the artifacts are the run's output, byte for byte
      const out = p.db
        .prepare(
          `SELECT v.root_hash AS hash, io.path FROM run_io io JOIN versions v ON v.id = io.version_id
           WHERE io.run_id = ? AND io.role = 'out' AND io.path LIKE 'mlflow/%'`,
        )
        .get(idOf(A)) as { hash: string; path: string };
      expect(out.path).toBe(`mlflow/1/${A}`);
      await restoreVersion(p, out.hash, 'restored');
      for (const [rel, content] of Object.entries(runA.artifacts!))
        expect(fs.readFileSync(path.join(project, 'restored', rel)).equals(Buffer.from(content)), rel).toBe(
          true,
        );

      // registry: versions 1 and 2 (3 is deleted in MLflow), with their aliases and their runs
      expect(report!.models).toEqual([
        {
          name: 'churn',
          versions: [
            { mlflow: 1, version: 1 },
            { mlflow: 2, version: 2 },
          ],
          aliases: [
            { alias: 'challenger', version: 1 },
            { alias: 'champion', version: 2 },
          ],
        },
      ]);
      const models = p.db
        .prepare(
          `SELECT v.number, v.run_id AS run, v.root_hash AS hash FROM versions v JOIN artifacts a ON a.id = v.artifact_id
           WHERE a.name = 'churn' AND a.kind = 'model' ORDER BY v.number`,
        )
        .all() as { number: number; run: string; hash: string }[];
      expect(models.map((m) => [m.number, m.run])).toEqual([
        [1, idOf(A)],
        [2, idOf(B)],
      ]);
      await restoreVersion(p, models[1].hash, 'restored-model');
      expect(
        fs
          .readFileSync(path.join(project, 'restored-model', 'model.pkl'))
          .equals(runB.artifacts!['model/model.pkl'] as Buffer),
      ).toBe(true);
      const aliases = p.db
        .prepare(
          `SELECT al.name, v.number FROM aliases al JOIN versions v ON v.id = al.version_id ORDER BY al.name`,
        )
        .raw()
        .all();
      expect(aliases).toEqual([
        ['challenger', 1],
        ['champion', 2],
      ]);
    } finally {
      p.close();
    }
  }, 120000);

  it('shows the imported runs in compare like any other', () => {
    const runs = JSON.parse(runCli(['runs', '--json', '--project', project]).stdout) as {
      id: string;
      name: string;
    }[];
    const ids = ['baseline', 'wide'].map((n) => runs.find((r) => r.name === n)!.id);
    const cmp = runCli(['compare', ...ids, '--json', '--project', project]);
    expect(cmp.code).toBe(0);
    const diff = JSON.parse(cmp.stdout);
    expect(diff.params.lr).toEqual({ values: [0.1, 0.3], differs: true });
    expect(diff.params.optimizer.differs).toBe(false);
    expect(diff.metrics.loss.values).toEqual([1 / 50, Math.sin(9999) * 3]);
  });

  it('imports again without a duplicate run or point, and picks up points logged since', () => {
    const before = counts(project);
    const again = importJson(project, mlruns);
    expect(again.code).toBe(0);
    expect(again.report).toMatchObject({ created: 0, updated: 2 });
    expect(counts(project)).toEqual(before);

    fs.appendFileSync(path.join(mlruns, '1', A, 'metrics', 'loss'), `${T0 + 9999} 0.001 100\n`);
    const third = importJson(project, mlruns);
    expect(third.report).toMatchObject({ created: 0, updated: 2 });
    expect(counts(project)).toEqual({ ...before, points: before.points + 1 });
  });

  it('reports each malformed file with its path and imports the rest', () => {
    const root = path.join(t.dir, 'broken');
    writeExperiment(root, { id: '1', name: 'churn' });
    writeRun(root, { ...runA, artifacts: { 'model/MLmodel': 'flavors: {}\n' } });
    const badYaml = path.join(root, '1', 'd'.repeat(32), 'meta.yaml');
    fs.mkdirSync(path.dirname(badYaml), { recursive: true });
    fs.writeFileSync(badYaml, 'run_id: [unclosed\n  status: 3\n');
    const noMeta = path.join(root, '1', 'e'.repeat(32));
    fs.mkdirSync(path.join(noMeta, 'metrics'), { recursive: true });
    const badStatus = writeRun(root, { ...runB, id: 'f'.repeat(32), status: 'EXPLODED', artifacts: {} });
    const lossFile = path.join(root, '1', A, 'metrics', 'loss');
    const lines = fs.readFileSync(lossFile, 'utf8').split('\n');
    lines.splice(3, 0, 'garbage here', '1700000000000 notanumber 4');
    fs.writeFileSync(lossFile, lines.join('\n'));
    fs.mkdirSync(path.join(root, 'stray'));
    writeModelVersion(root, 'churn', 1, { source: `runs:/${A}/model`, runId: A });
    writeModelVersion(root, 'churn', 2, { source: 's3://bucket/model', runId: null });
    writeAlias(root, 'churn', 'champion', 9);

    const dir = path.join(t.dir, 'project-broken');
    expect(runCli(['init', dir]).code).toBe(0);
    const { code, report } = importJson(dir, root);
    expect(code).toBe(1);
    const byPath = Object.fromEntries(report!.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        badYaml,
        noMeta,
        path.join(badStatus, 'meta.yaml'),
        `${lossFile}:4`,
        path.join(root, 'stray'),
        path.join(root, 'models', 'churn', 'version-2', 'meta.yaml'),
        path.join(root, 'models', 'churn', 'aliases', 'champion'),
      ].sort(),
    );
    expect(byPath[`${lossFile}:4`]).toContain('2 lines');
    expect(byPath[path.join(badStatus, 'meta.yaml')]).toContain('EXPLODED');
    expect(report!.runs.map((r) => r.mlflowId)).toEqual([A]);
    expect(report!.points).toBe(50 + 5 + 4);
    expect(report!.models[0].versions).toEqual([{ mlflow: 1, version: 1 }]);

    const text = runCli(['import', 'mlflow', root, '--project', dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('7 problems (the rest was imported)');
    expect(text.stdout).toContain(`${lossFile}:4`);
  });

  it('imports one experiment by name, and refuses a folder that is not an mlruns folder', () => {
    const dir = path.join(t.dir, 'project-one');
    expect(runCli(['init', dir]).code).toBe(0);
    const root = path.join(t.dir, 'two');
    writeExperiment(root, { id: '1', name: 'churn' });
    writeExperiment(root, { id: '2', name: 'other' });
    writeRun(root, { ...runB, artifacts: {} });
    writeRun(root, { ...runB, id: '9'.repeat(32), experimentId: '2', artifacts: {} });
    const one = importJson(dir, root, ['--experiment', 'other']);
    expect(one.code).toBe(0);
    expect(one.report!.runs.map((r) => r.mlflowId)).toEqual(['9'.repeat(32)]);

    const none = runCli(['import', 'mlflow', root, '--experiment', 'nope', '--project', dir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no experiment named "nope"; it has "churn", "other"');
    const missing = runCli(['import', 'mlflow', path.join(t.dir, 'absent'), '--project', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const empty = path.join(t.dir, 'empty');
    fs.mkdirSync(empty);
    expect(runCli(['import', 'mlflow', empty, '--project', dir]).stderr).toContain(
      'holds no MLflow experiment',
    );
    expect(runCli(['import', 'dvc', empty, '--project', dir]).code).toBe(2);
  });
});
