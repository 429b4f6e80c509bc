// The user's own serve command as an http target: placeholders filled, and the two ways it can fail
// (exits at once, never answers) refused with its output, the target untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import type { DeployResult } from '../../shared/api/deploy.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-serve-cmd-');
const root = path.join(t.dir, 'proj');
const engine = new Engine({ services: [], rememberRecent: false });
const pids: number[] = [];

// A minimal server of the user's: answers health and /predict with one prediction per row.
const server = `
const http = require('http');
const [dir, port] = process.argv.slice(2);
console.log('my server for', require('fs').readdirSync(dir).sort().join(' '));
http.createServer((q, s) => {
  let b = '';
  q.on('data', (d) => (b += d));
  q.on('end', () => {
    if (q.url !== '/predict') return s.end('{}');
    s.end(JSON.stringify({ predictions: JSON.parse(b).rows.map(() => 1) }));
  });
}).listen(Number(port), '127.0.0.1');
`;

beforeAll(async () => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
  fs.mkdirSync(path.join(root, 'm'), { recursive: true });
  fs.writeFileSync(path.join(root, 'm', 'weights.txt'), '1 2 3\n');
  fs.writeFileSync(path.join(root, 'm', 'input_example.json'), '{"rows": [[1, 2], [3, 4]]}');
  fs.writeFileSync(path.join(root, 'server.js'), server);
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:
  m: { path: m, kind: model }
targets:
  mine:
    type: http
    server: command
    serve: node server.js {model_dir} {port}
  crash:
    type: http
    server: command
    serve: echo "missing CUDA driver" >&2; exit 7
  silent:
    type: http
    server: command
    serve: echo "warming up forever"; sleep 30
    health_timeout: 1.5
`,
  );
  engine.openProject(root, 'init');
  const { jobId } = await engine.invoke('artifacts.add', { path: 'm', kind: 'model' });
  expect(((await engine.invoke('jobs.wait', { id: jobId })) as JobInfo).state).toBe('done');
}, 60000);

afterAll(async () => {
  for (const pid of pids)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // stopped already
    }
  await engine.shutdown();
  t.cleanup();
});

async function deploy(target: string): Promise<JobInfo> {
  const { jobId } = await engine.invoke('deploy.start', { target, model: 'm@1' });
  return engine.invoke('jobs.wait', { id: jobId });
}

describe('a serve command as the server', () => {
  it('gets {model_dir} and {port}, is health-checked and smoke-tested', async () => {
    const job = await deploy('mine');
    expect(job.error).toBe(null);
    const d = (job.result as DeployResult).deployment;
    pids.push(d.pid!);
    expect(d).toMatchObject({ server: 'command', status: 'active' });
    expect(d.message).toContain('smoke test: 2 rows from input_example.json answered');
    const out = fs.readFileSync(
      path.join(root, '.strata', 'deploy', 'servers', 'mine', `${d.id}.log`),
      'utf8',
    );
    expect(out).toContain('my server for input_example.json strata-model.json weights.txt');
    await engine.invoke('deploy.stop', { target: 'mine' });
  }, 60000);

  it('one that exits at once is refused with its output', async () => {
    const job = await deploy('crash');
    expect(job.error?.code).toBe('DEPLOY_FAILED');
    expect(job.error?.message).toMatch(/The serve command \(.*\) exited with code 7:\nmissing CUDA driver/);
    expect(await engine.invoke('deploy.history', { target: 'crash' })).toMatchObject([{ status: 'failed' }]);
  }, 60000);

  it('one that never answers is stopped after the health timeout, with its output', async () => {
    const job = await deploy('silent');
    expect(job.error?.code).toBe('DEPLOY_FAILED');
    expect(job.error?.message).toMatch(/did not become healthy within 2 s .*:\nwarming up forever/s);
    const [d] = await engine.invoke('deploy.history', { target: 'silent' });
    expect(d).toMatchObject({ status: 'failed', pid: null });
  }, 60000);
});
