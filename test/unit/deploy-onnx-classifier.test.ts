// The built-in ONNX server serving classifiers as converters export them (label and probabilities, as
// a tensor or through ZipMap): the probabilities in /predict, in OIP infer and in the prediction log,
// against the softmax computed by hand; and a drift monitor estimating accuracy (CBPE) from the logs
// of a deployed ONNX classifier.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { deployService } from '../../electron/core/deploy/service.js';
import { freePort, startServer, stopServer } from '../../electron/core/deploy/server.js';
import type { DeployResult } from '../../shared/api/deploy.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { tempDir } from '../helpers/cli.js';
import { uniform } from '../helpers/drift-data.js';
import { softmax, writeClassifierOnnx, type LinearClassifier } from '../helpers/onnx-model.js';

const t = tempDir('strata-onnx-clf-');
const pids: number[] = [];
afterAll(async () => {
  for (const pid of pids) await stopServer(pid);
  t.cleanup();
});

const FEATURES = 4;
function inputs(seed: number, n: number): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: FEATURES }, () => 4 * u() - 2));
}
const argmax = (p: number[]) => p.indexOf(Math.max(...p));

function logLines(dir: string): Record<string, unknown>[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Case {
  form: 'zipmap' | 'tensor' | 'plain';
  classes: (number | string)[];
  /** what the log's probability holds for a row with class probabilities p */
  logged(p: number[], m: LinearClassifier): unknown;
}
const close = (v: number) => expect.closeTo(v, 5);
const CASES: Record<string, Case> = {
  "skl2onnx's default export (ZipMap) with string classes: {class: p} in the log": {
    form: 'zipmap',
    classes: ['setosa', 'versicolor', 'virginica'],
    logged: (p, m) => Object.fromEntries(m.classes.map((c, j) => [String(c), close(p[j])])),
  },
  "skl2onnx's zipmap=False export (a tensor) with integer classes named by LinearClassifier": {
    form: 'tensor',
    classes: [0, 1, 2],
    logged: (p, m) => Object.fromEntries(m.classes.map((c, j) => [String(c), close(p[j])])),
  },
  'two classes: the positive class’s probability, as the Python helper logs it': {
    form: 'tensor',
    classes: [0, 1],
    logged: (p) => close(p[1]),
  },
  'a graph that names no classes (Softmax + ArgMax): the list in column order': {
    form: 'plain',
    classes: [0, 1, 2],
    logged: (p) => p.map(close),
  },
};

describe('the ONNX server serving a classifier', () => {
  for (const [title, c] of Object.entries(CASES))
    it(
      title,
      async () => {
        const dir = path.join(t.dir, `${c.form}-${c.classes.length}`);
        fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
        const m = writeClassifierOnnx(path.join(dir, 'model', 'model.onnx'), FEATURES, c.classes, c.form);
        const logs = path.join(dir, 'logs');
        const server = await startServer(
          {
            kind: 'onnx',
            modelDir: path.join(dir, 'model'),
            port: await freePort(),
            name: 'clf',
            version: 2,
            logs,
            outputFile: path.join(dir, 'server.log'),
            cwd: dir,
          },
          60_000,
        );
        pids.push(server.pid);
        const rows = inputs(7, 12);
        const want = rows.map((r) => softmax(r, m));
        const label = (p: number[]) => m.classes[argmax(p)];
        // The rows reach more than one class, so a label or column mix-up cannot pass.
        expect(new Set(want.map(label)).size).toBeGreaterThan(1);

        const r = await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ rows }) });
        expect(r.status).toBe(200);
        const body = (await r.json()) as { predictions: unknown[]; probabilities: number[][] };
        expect(body.predictions).toEqual(want.map(label));
        expect(body.probabilities).toEqual(want.map((p) => p.map(close)));

        const infer = await fetch(`${server.url}/v2/models/clf/infer`, {
          method: 'POST',
          body: JSON.stringify({
            id: 'oip-1',
            inputs: [{ name: 'input', shape: [2, FEATURES], datatype: 'FP32', data: rows.slice(0, 2) }],
          }),
        });
        const out = (await infer.json()) as { outputs: Record<string, unknown>[] };
        expect(out.outputs).toEqual([
          {
            name: 'output_label',
            datatype: typeof c.classes[0] === 'string' ? 'BYTES' : 'INT64',
            shape: [2],
            data: want.slice(0, 2).map(label),
          },
          {
            name: 'output_probability',
            datatype: 'FP32',
            shape: [2, c.classes.length],
            data: want.slice(0, 2).flat().map(close),
          },
        ]);
        const meta = (await (await fetch(`${server.url}/v2/models/clf`)).json()) as { outputs: unknown[] };
        expect(meta.outputs).toEqual([
          expect.objectContaining({ name: 'output_label', shape: [-1] }),
          { name: 'output_probability', datatype: 'FP32', shape: [-1, -1] },
        ]);

        await stopServer(server.pid); // flushes the log
        const lines = logLines(logs);
        expect(lines).toHaveLength(rows.length + 2);
        lines.forEach((l, i) => {
          const p = want[i < rows.length ? i : i - rows.length];
          expect(l.prediction).toEqual(label(p));
          expect(l.probability).toEqual(c.logged(p, m));
        });
        expect(lines[rows.length]).toMatchObject({ request: 'oip-1', id: 'oip-1-0' });
      },
      90_000,
    );
});

describe('the Python helper', () => {
  it('logs a multiclass model’s probabilities in the same shape, {class: p}', async () => {
    const dir = path.join(t.dir, 'python');
    fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
    const fit = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import pickle, sys, numpy as np
from sklearn.linear_model import LogisticRegression
x = np.random.RandomState(0).rand(300, 4)
y = np.array(["low", "mid", "high"])[(x[:, 0] * 3).astype(int)]
pickle.dump(LogisticRegression().fit(x, y), open(sys.argv[1], "wb"))`,
        path.join(dir, 'model', 'model.pkl'),
      ],
      { encoding: 'utf8' },
    );
    expect(fit.status, fit.stderr).toBe(0);
    const logs = path.join(dir, 'logs');
    const server = await startServer(
      {
        kind: 'python',
        python: '/usr/bin/python3',
        modelDir: path.join(dir, 'model'),
        port: await freePort(),
        name: 'clf',
        version: 1,
        logs,
        outputFile: path.join(dir, 'server.log'),
        cwd: dir,
      },
      60_000,
    );
    pids.push(server.pid);
    const rows = [
      [0.05, 0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5, 0.5],
      [0.95, 0.5, 0.5, 0.5],
    ];
    const r = await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ rows }) });
    const body = (await r.json()) as { predictions: string[]; probabilities: number[][] };
    expect(body.predictions).toEqual(['low', 'mid', 'high']);
    await stopServer(server.pid);
    const lines = logLines(logs);
    expect(lines).toHaveLength(3);
    // scikit-learn orders classes_ by sort: high, low, mid.
    lines.forEach((l, i) =>
      expect(l.probability).toEqual({
        high: body.probabilities[i][0],
        low: body.probabilities[i][1],
        mid: body.probabilities[i][2],
      }),
    );
  }, 90_000);
});

describe('a drift monitor over a deployed ONNX classifier’s logs', () => {
  it('estimates each window’s accuracy (CBPE) from the probabilities the server logged', async () => {
    const root = path.join(t.dir, 'proj');
    fs.mkdirSync(path.join(root, 'onnx'), { recursive: true });
    process.env.STRATA_HOME = path.join(t.dir, 'home');
    const m = writeClassifierOnnx(path.join(root, 'onnx', 'model.onnx'), FEATURES, ['a', 'b', 'c'], 'zipmap');
    const names = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
    const named = (r: number[]) => Object.fromEntries(names.map((n, j) => [n, r[j]]));
    fs.writeFileSync(
      path.join(root, 'onnx', 'input_example.json'),
      JSON.stringify({ rows: inputs(1, 1).map(named) }),
    );
    fs.writeFileSync(
      path.join(root, 'ref.csv'),
      [names.join(','), ...inputs(2, 1000).map((r) => r.join(','))].join('\n') + '\n',
    );
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      `targets:
  web: { type: http, health_timeout: 60 }
monitors:
  served:
    reference: ref.csv
    logs: predictions/web
    window: { rows: 200 }
    prediction: prediction
    probability: probability
`,
    );
    const engine = new Engine({ services: [deployService], rememberRecent: false });
    try {
      engine.openProject(root, 'init');
      const added = await engine.invoke('artifacts.add', { path: 'onnx', kind: 'model', name: 'clf' });
      expect(((await engine.invoke('jobs.wait', { id: added.jobId })) as JobInfo).state).toBe('done');
      const { jobId } = await engine.invoke('deploy.start', { target: 'web', model: 'clf@1' });
      const job: JobInfo = await engine.invoke('jobs.wait', { id: jobId });
      expect(job.error, JSON.stringify(job.error)).toBe(null);
      const { deployment } = job.result as DeployResult;
      pids.push(deployment.pid!);

      // 400 rows in requests of 20, as objects named like the reference's columns.
      const rows = inputs(3, 400);
      for (let i = 0; i < rows.length; i += 20) {
        const batch = rows.slice(i, i + 20).map(named);
        const r = await fetch(`${deployment.url}/predict`, {
          method: 'POST',
          body: JSON.stringify({ rows: batch }),
        });
        expect(r.status).toBe(200);
      }
      await engine.invoke('deploy.stop', { target: 'web' });
      const dir = path.join(root, 'predictions', 'web');
      const lines = logLines(dir);
      expect(lines).toHaveLength(1 + rows.length); // the smoke test's row, then ours
      const past = new Date(Date.now() - 60_000);
      for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), past, past);

      const s = await engine.invoke('drift.monitor', { name: 'served', run: true });
      expect(s.error).toBeNull();
      expect(s.windows.map((w) => w.rows)).toEqual([200, 200]);
      // CBPE's estimate: the mean probability of the predicted class, here from the logged inputs by hand.
      const logged = lines.map((l) =>
        softmax(
          names.map((n) => l[n] as number),
          m,
        ),
      );
      s.windows.forEach((w, k) => {
        const top = logged.slice(200 * k, 200 * (k + 1)).map((p) => Math.max(...p));
        const mean = top.reduce((a, b) => a + b, 0) / top.length;
        expect(w.estimated).toMatchObject({ method: 'cbpe', classes: 'multiclass', rows: 200 });
        expect(w.estimated!.accuracy).toBeCloseTo(mean, 5);
        const se = Math.sqrt(top.reduce((a, c) => a + c * (1 - c), 0)) / top.length;
        expect(w.estimated!.stderr).toBeCloseTo(se, 5);
      });
    } finally {
      await engine.shutdown();
    }
  }, 120_000);
});
