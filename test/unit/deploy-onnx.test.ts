// The built-in ONNX server (onnxruntime-node in a child process) deployed through the engine, and a
// host's deploy service: services stopped when the project closes, started again when it reopens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { deployService } from '../../electron/core/deploy/service.js';
import type { DeployResult, TargetInfo } from '../../shared/api/deploy.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { logistic, writeLogisticOnnx } from '../helpers/onnx-model.js';

const t = tempDir('strata-onnx-');
const root = path.join(t.dir, 'proj');
const engine = new Engine({ services: [deployService], rememberRecent: false });
let model: { w: number[]; b: number };
const pids: number[] = [];

beforeAll(async () => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
  fs.mkdirSync(path.join(root, 'onnx'), { recursive: true });
  model = writeLogisticOnnx(path.join(root, 'onnx', 'model.onnx'), 30);
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:
  clf: { path: onnx, kind: model }
targets:
  web:
    type: http
    health_timeout: 60
  kept:
    type: http
    keep_running: true
    health_timeout: 60
`,
  );
  fs.writeFileSync(
    path.join(root, 'onnx', 'input_example.json'),
    JSON.stringify({ rows: [Array(30).fill(0.5)] }),
  );
  engine.openProject(root, 'init');
  const job = await engine.invoke('artifacts.add', { path: 'onnx', kind: 'model' });
  const done: JobInfo = await engine.invoke('jobs.wait', { id: job.jobId });
  expect(done.state).toBe('done');
}, 120000);

afterAll(async () => {
  await engine.shutdown();
  for (const pid of pids)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  t.cleanup();
});

async function deploy(target: string): Promise<DeployResult> {
  const { jobId } = await engine.invoke('deploy.start', { target, model: 'clf@1' });
  const job: JobInfo = await engine.invoke('jobs.wait', { id: jobId });
  expect(job.error, JSON.stringify(job.error)).toBe(null);
  const r = job.result as DeployResult;
  if (r.deployment.pid) pids.push(r.deployment.pid);
  return r;
}

const target = async (name: string): Promise<TargetInfo> =>
  (await engine.invoke('deploy.targets', {})).find((x) => x.name === name) as TargetInfo;

describe('the ONNX server', () => {
  it('answers /predict and OIP infer with the model’s arithmetic, refuses a wrong width with 400, and logs each row', async () => {
    const { deployment } = await deploy('web');
    expect(deployment.server).toBe('onnx');
    expect(deployment.message).toContain('smoke test: 1 rows from input_example.json answered');
    const rows = [
      Array.from({ length: 30 }, (_, i) => i / 30),
      Array.from({ length: 30 }, (_, i) => -i / 10),
    ];
    const r = await fetch(`${deployment.url}/predict`, { method: 'POST', body: JSON.stringify({ rows }) });
    const body = (await r.json()) as { predictions: number[] };
    expect(body.predictions).toHaveLength(2);
    body.predictions.forEach((p, i) => expect(p).toBeCloseTo(logistic(rows[i], model), 5));

    const infer = await fetch(`${deployment.url}/v2/models/clf/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: rows[0] }] }),
    });
    const out = (await infer.json()) as { outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(out.outputs[0]).toMatchObject({ name: 'probability', shape: [1, 1] });
    expect(out.outputs[0].data[0]).toBeCloseTo(logistic(rows[0], model), 5);

    // Requests that arrive together are run as one batch: each still gets its own rows' answers.
    const many = Array.from({ length: 24 }, (_, k) =>
      Array.from({ length: 30 }, (_, i) => ((i * k) % 7) / 7 - 0.5),
    );
    const answers = await Promise.all(
      many.map((r) =>
        fetch(`${deployment.url}/predict`, { method: 'POST', body: JSON.stringify({ rows: [r] }) }).then(
          (x) => x.json() as Promise<{ predictions: number[] }>,
        ),
      ),
    );
    answers.forEach((a, k) => expect(a.predictions[0]).toBeCloseTo(logistic(many[k], model), 5));

    const bad = await fetch(`${deployment.url}/predict`, {
      method: 'POST',
      body: JSON.stringify({ rows: [[1, 2, 3]] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'row 0 has 3 values where the model takes 30' });
    const notJson = await fetch(`${deployment.url}/predict`, { method: 'POST', body: '{"rows": [' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${deployment.url}/v2/health/ready`)).status).toBe(200);

    // Lines are written in batches, within 100 ms.
    const logDir = path.join(root, 'predictions', 'web');
    const read = () =>
      fs.existsSync(logDir) && fs.readdirSync(logDir).length
        ? fs
            .readFileSync(path.join(logDir, fs.readdirSync(logDir)[0]), 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
        : [];
    for (let i = 0; i < 50 && read().length < 28; i++) await new Promise((r) => setTimeout(r, 100));
    const lines = read().map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1 + 2 + 1 + 24);
    expect(lines[2]).toMatchObject({ model: 'clf', version: 1, x0: 0, x29: -2.9 });
    expect(lines[2].prediction).toBeCloseTo(logistic(rows[1], model), 5);
  }, 120000);

  it('a host stops its services when the project closes, except one kept running, and starts them again when it reopens', async () => {
    const kept = (await deploy('kept')).deployment;
    const web = (await target('web')).current!;
    expect((await target('web')).health).toBe('healthy');
    await engine.closeProject();
    await expect(fetch(`${web.url}/v2/health/ready`)).rejects.toThrow();
    expect((await fetch(`${kept.url}/v2/health/ready`)).status).toBe(200);

    engine.openProject(root);
    let again: TargetInfo | null = null;
    for (let i = 0; i < 300 && again?.health !== 'healthy'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      again = await target('web');
    }
    expect(again).toMatchObject({ health: 'healthy', current: { id: web.id, version: 1 } });
    pids.push(again!.current!.pid!);
    expect((await target('kept')).current).toMatchObject({ id: kept.id, pid: kept.pid });
    const p = await fetch(`${again!.current!.url}/predict`, {
      method: 'POST',
      body: JSON.stringify({ rows: [Array(30).fill(0)] }),
    });
    expect(p.status).toBe(200);
  }, 120000);

  it('strata deploy keeps its service running after it exits, unless --stop-on-exit marks it to stop with the app', () => {
    const env = { STRATA_HOME: path.join(t.dir, 'home') };
    const kept = runCli(['deploy', 'clf@1', '--target', 'web', '--json'], { cwd: root, env });
    expect(kept.code, kept.stderr).toBe(0);
    const first = (JSON.parse(kept.stdout) as DeployResult).deployment;
    pids.push(first.pid!);
    expect(first.keepRunning).toBe(true);
    const marked = runCli(['deploy', 'clf@1', '--target', 'web', '--stop-on-exit', '--json'], {
      cwd: root,
      env,
    });
    expect(marked.code, marked.stderr).toBe(0);
    const second = (JSON.parse(marked.stdout) as DeployResult).deployment;
    pids.push(second.pid!);
    expect(second).toMatchObject({ keepRunning: false, status: 'active' });
  }, 120000);

  it('serves a version, and a bundle without its project, until stopped (strata serve through serve.start and serve.stop)', async () => {
    const served = await engine.invoke('serve.start', { model: 'clf@1' });
    pids.push(served.pid);
    const row = [Array.from({ length: 30 }, (_, i) => i / 10)];
    const r = await fetch(`${served.url}/predict`, { method: 'POST', body: JSON.stringify({ rows: row }) });
    expect(((await r.json()) as { predictions: number[] }).predictions[0]).toBeCloseTo(
      logistic(row[0], model),
      5,
    );
    expect(await engine.invoke('serve.stop', { pid: served.pid })).toEqual({ stopped: true });
    await expect(fetch(`${served.url}/v2/health/ready`)).rejects.toThrow();
    expect(fs.existsSync(path.dirname(served.outputFile))).toBe(false);
    // Only what serve.start started can be stopped through it.
    expect(await engine.invoke('serve.stop', { pid: process.pid })).toEqual({ stopped: false });

    const file = path.join(t.dir, 'clf.tar');
    const ex = await engine.invoke('bundle.export', { model: 'clf@1', out: file });
    expect(((await engine.invoke('jobs.wait', { id: ex.jobId })) as JobInfo).state).toBe('done');
    const other = new Engine({ services: [], rememberRecent: false });
    try {
      const b = await other.invoke('serve.start', { bundle: file });
      pids.push(b.pid);
      expect(b.serving).toBe('clf@1');
      const p = await fetch(`${b.url}/predict`, { method: 'POST', body: JSON.stringify({ rows: row }) });
      expect(((await p.json()) as { predictions: number[] }).predictions[0]).toBeCloseTo(
        logistic(row[0], model),
        5,
      );
      expect(await other.invoke('serve.stop', { pid: b.pid })).toEqual({ stopped: true });
    } finally {
      await other.shutdown();
    }
  }, 120000);
});
