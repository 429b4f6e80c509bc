// Deploy through the real CLI: pipeline-trained scikit-learn models served by the Python helper as
// child processes, called over HTTP on 127.0.0.1; folder and command targets; rollback; gates.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot, tempDir, type CliResult } from '../helpers/cli.js';

const python = '/usr/bin/python3';
const tsx = import.meta.resolve('tsx');
const t = tempDir('strata-deploy-');
const root = path.join(t.dir, 'proj');
const shared = path.join(t.dir, 'shared');
let fixedPort = 0;
const started: number[] = [];

afterAll(() => {
  // Whatever a failed test left serving is stopped with the folder.
  for (const pid of started)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  t.cleanup();
});

const cli = (...args: string[]): CliResult => {
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, path.join(repoRoot, 'electron', 'cli', 'main.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, STRATA_HOME: path.join(t.dir, 'home'), STRATA_PYTHON: python },
      encoding: 'utf8',
      timeout: 120000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const json = (...args: string[]) => {
  const r = cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const train = `
import json, os, pickle, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
mode, acc = open("params.txt").read().split()
os.makedirs("model", exist_ok=True)
for f in os.listdir("model"):
    os.remove(os.path.join("model", f))
x = np.random.RandomState(int(float(acc) * 100)).rand(80, 4)
y = (x[:, 0] + x[:, 1] > 1).astype(int)
if mode == "good":
    model = LogisticRegression().fit(x, y)
    with open("model/model.pkl", "wb") as f:
        pickle.dump(model, f)
elif mode == "broken":
    import broken
    with open("model/model.pkl", "wb") as f:
        pickle.dump(broken.Broken(), f)
else:
    with open("model/model.pkl", "wb") as f:
        f.write(b"this is not a pickle")
json.dump({"rows": x[:3].tolist()}, open("model/input_example.json", "w"))
json.dump({"accuracy": float(acc)}, open("metrics.json", "w"))
`;
const broken = `
class Broken:
    n_features_in_ = 4
    def predict(self, x):
        raise ValueError("this model cannot predict")
`;

function trainVersion(mode: 'good' | 'broken' | 'garbage', acc: number): void {
  fs.writeFileSync(path.join(root, 'params.txt'), `${mode} ${acc}`);
  const r = cli('run');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function setup(): Promise<void> {
  fixedPort = await freePort();
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(shared, { recursive: true });
  fs.writeFileSync(path.join(root, 'train.py'), train);
  fs.writeFileSync(path.join(root, 'broken.py'), broken);
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:
  model: { path: model, kind: model }
stages:
  train:
    cmd: ${python} train.py
    deps: [train.py, params.txt]
    outs: [model]
    metrics: [metrics.json]
gates:
  model:
    - { metric: accuracy, min: 0.5 }
targets:
  local:
    type: http
    health_timeout: 60
  fixed:
    type: http
    port: ${fixedPort}
    health_timeout: 60
  shared:
    type: folder
    path: ${shared}
  missing:
    type: folder
    path: ${path.join(t.dir, 'nowhere')}
  script:
    type: command
    run: ${python} -c "import os,json; print(os.environ['STRATA_MODEL_VERSION'], sorted(os.listdir(os.environ['STRATA_MODEL_DIR'])), json.load(open(os.environ['STRATA_MANIFEST']))['model'])"
  failing:
    type: command
    run: echo "no credentials for the cluster" >&2; exit 3
`,
  );
  trainVersion('good', 0.9); // model@1
  trainVersion('good', 0.8); // model@2
}

describe('deploy to an http target', () => {
  it('serves a version over HTTP (OIP v2 and /predict), logs predictions, rejects bad rows with 400 and stays up; a second version replaces it; rollback and undeploy', async () => {
    await setup();
    const first = json('deploy', 'model@1', '--target', 'local');
    const d1 = first.deployment;
    started.push(d1.pid);
    expect(d1).toMatchObject({
      target: 'local',
      model: 'model',
      version: 1,
      status: 'active',
      server: 'python',
    });
    expect(d1.message).toContain('smoke test: 3 rows from input_example.json answered');
    const url = d1.url as string;

    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    const meta = (await (await fetch(`${url}/v2/models/model`)).json()) as { inputs: { shape: number[] }[] };
    expect(meta.inputs[0].shape).toEqual([-1, 4]);
    const ok = await post(`${url}/predict`, {
      rows: [
        [0.9, 0.9, 0, 0],
        [0.1, 0.1, 0, 0],
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.predictions).toEqual([1, 0]);
    const infer = await post(`${url}/v2/models/model/infer`, {
      id: 'req-1',
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP64', data: [0.9, 0.9, 0, 0] }],
    });
    expect(infer.status).toBe(200);
    expect(infer.body).toMatchObject({ model_name: 'model', model_version: '1', id: 'req-1' });
    expect((infer.body.outputs as { name: string; data: number[] }[])[0]).toMatchObject({
      name: 'predict',
      data: [1],
    });

    const wrongWidth = await post(`${url}/predict`, { rows: [[1, 2]] });
    expect(wrongWidth).toEqual({
      status: 400,
      body: { error: 'row 0 has 2 values where the model takes 4' },
    });
    const wrongType = await post(`${url}/predict`, { rows: [[1, 'x', 3, 4]] });
    expect(wrongType).toEqual({
      status: 400,
      body: { error: 'row 0, column 1: "x" is not a finite number' },
    });
    expect((await post(`${url}/predict`, { rows: [[0.9, 0.9, 0, 0]] })).status).toBe(200);

    // The log: one line per predicted row, the smoke test's 3 rows first.
    const logDir = path.join(root, 'predictions', 'local');
    const files = fs.readdirSync(logDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^predictions-\d{8}T\d{6}\d+Z-0001\.jsonl$/);
    const lines = fs
      .readFileSync(path.join(logDir, files[0]), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3 + 2 + 1 + 1);
    expect(lines[5]).toMatchObject({
      id: 'req-1-0',
      model: 'model',
      version: 1,
      request: 'req-1',
      x0: 0.9,
      x3: 0,
      prediction: 1,
    });
    expect(typeof lines[5].probability).toBe('number');
    expect(lines[5].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const second = json('deploy', 'model@2', '--target', 'local').deployment;
    started.push(second.pid);
    expect(second.version).toBe(2);
    // On a free port the new version starts beside the old, which stops once the new one passed.
    expect((await post(`${second.url}/predict`, { rows: [[0.9, 0.9, 0, 0]] })).status).toBe(200);
    await expect(fetch(`${url}/v2/health/ready`)).rejects.toThrow();

    const back = json('rollback', '--target', 'local').deployment;
    started.push(back.pid);
    expect(back).toMatchObject({ version: 1, action: 'rollback', rollbackOf: d1.id, status: 'active' });
    expect((await fetch(`${back.url}/v2/health/ready`)).status).toBe(200);

    const listed = json('deployments', '--target', 'local');
    expect(listed.targets[0]).toMatchObject({ name: 'local', health: 'healthy', current: { id: back.id } });
    expect(listed.targets[0].stats.requests).toBeGreaterThanOrEqual(1);
    expect(
      listed.history.map((d: { id: number; status: string; version: number }) => [d.version, d.status]),
    ).toEqual([
      [1, 'active'],
      [2, 'replaced'],
      [1, 'replaced'],
    ]);

    const stopped = json('undeploy', '--target', 'local');
    expect(stopped).toMatchObject({ status: 'stopped', pid: null });
    await expect(fetch(`${back.url}/v2/health/ready`)).rejects.toThrow();
    const gone = cli('undeploy', '--target', 'local');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('Nothing is deployed to local');
  }, 240000);

  it('a smoke test that fails rolls back to the version that served on the port; a model that does not load is refused with its output; the current deployment is untouched', async () => {
    const ok = json('deploy', 'model@2', '--target', 'fixed').deployment;
    started.push(ok.pid);
    expect(ok.port).toBe(fixedPort);

    trainVersion('broken', 0.95); // model@3: loads, but predict raises
    const r = cli('deploy', 'model@3', '--target', 'fixed');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The smoke test (3 rows from input_example.json) failed: HTTP 500');
    expect(r.stderr).toContain('this model cannot predict');
    expect(r.stderr).toContain(`rolled back to model@2 (deployment ${ok.id}), which serves again`);
    const after = json('deployments', '--target', 'fixed');
    expect(after.targets[0]).toMatchObject({ health: 'healthy', current: { id: ok.id, version: 2 } });
    expect(after.history[0]).toMatchObject({ version: 3, status: 'failed' });
    expect((await post(`http://127.0.0.1:${fixedPort}/predict`, { rows: [[0.9, 0.9, 0, 0]] })).status).toBe(
      200,
    );
    started.push(after.targets[0].current.pid);

    trainVersion('garbage', 0.95); // model@4: not a pickle at all
    const bad = cli('deploy', 'model@4', '--target', 'fixed');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(
      /The python server exited with code 3:\n.*model\.pkl failed to load: UnpicklingError/,
    );
    expect(json('deployments', '--target', 'fixed').targets[0]).toMatchObject({
      health: 'healthy',
      current: { version: 2 },
    });
    expect(json('undeploy', '--target', 'fixed').status).toBe('stopped');
  }, 240000);

  it('a port another program holds is named before anything stops', async () => {
    const holder = net.createServer().listen(fixedPort, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    try {
      const r = cli('deploy', 'model@1', '--target', 'fixed');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`Port ${fixedPort} on 127.0.0.1 is in use by another program`);
    } finally {
      holder.close();
    }
  }, 60000);

  it('a version failing its gates is refused; --override deploys it and records the reason', () => {
    trainVersion('good', 0.3); // model@5: accuracy under the gate's 0.5
    const r = cli('deploy', 'model@5', '--target', 'shared');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('model@5 fails its gates');
    expect(fs.existsSync(path.join(shared, 'model@5'))).toBe(false);
    const d = json('deploy', 'model@5', '--target', 'shared', '--override', 'hotfix for the demo').deployment;
    expect(d.override).toBe('hotfix for the demo');
    const check = cli('gates', 'model@5', '--json');
    expect(check.code).toBe(1);
    const gates = JSON.parse(check.stdout);
    expect(gates.overrides[0]).toMatchObject({ alias: 'deployed to shared', reason: 'hotfix for the demo' });
  }, 120000);
});

describe('deploy to folder and command targets', () => {
  it('a folder gets model@N/ and a current link swapped atomically; rollback points it back; a missing folder is refused', () => {
    json('deploy', 'model@1', '--target', 'shared');
    expect(fs.readlinkSync(path.join(shared, 'current'))).toBe('model@1');
    const manifest = JSON.parse(fs.readFileSync(path.join(shared, 'current', 'strata-model.json'), 'utf8'));
    expect(manifest).toMatchObject({ model: 'model', version: 1 });
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([
      'input_example.json',
      'model.pkl',
    ]);
    const pkl = fs.readFileSync(path.join(shared, 'current', 'model.pkl'));
    expect(manifest.files.find((f: { path: string }) => f.path === 'model.pkl').size).toBe(pkl.length);
    json('rollback', '--target', 'shared');
    expect(fs.readlinkSync(path.join(shared, 'current'))).toBe('model@5');
    expect(fs.readdirSync(shared).sort()).toEqual(['current', 'model@1', 'model@5']);

    const missing = cli('deploy', 'model@1', '--target', 'missing');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      `Cannot deploy to target missing: the folder ${path.join(t.dir, 'nowhere')} does not exist`,
    );
  }, 120000);

  it('a command gets the model folder, version and manifest in its environment; a failing one is refused with its output', () => {
    const d = json('deploy', 'model@2', '--target', 'script').deployment;
    expect(d.message).toContain("2 ['input_example.json', 'model.pkl', 'strata-model.json'] model");
    const r = cli('deploy', 'model@2', '--target', 'failing');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('exited with code 3:\nno credentials for the cluster');
    const unknown = cli('deploy', 'model@2', '--target', 'nope');
    expect(unknown.stderr).toContain(
      'No target named nope in strata.yaml (targets: local, fixed, shared, missing, script, failing)',
    );
  }, 120000);
});
