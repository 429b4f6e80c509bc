// A folder target that cannot take the model: missing, on a read-only file system, or full. Each is
// refused naming the target and the folder, the target keeps the deployment it had, and the folder
// is left as it was (no temp folder, no half-copied model, `current` unchanged). Read-only and full
// are real: small tmpfs mounts, remounted read-only (mounting needs root, as here and in CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import type { DeployResult, TargetInfo } from '../../shared/api/deploy.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-deploy-folder-');
const root = path.join(t.dir, 'proj');
const readOnly = path.join(t.dir, 'ro');
const full = path.join(t.dir, 'full');
const engine = new Engine({ services: [], rememberRecent: false });
const mounted: string[] = [];

function mount(dir: string, size: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) return false;
  mounted.push(dir);
  return true;
}
const canMount = mount(readOnly, '4m') && mount(full, '1m');

async function addVersion(bytes: number): Promise<void> {
  fs.rmSync(path.join(root, 'model'), { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'model'));
  fs.writeFileSync(path.join(root, 'model', 'weights.bin'), crypto.randomBytes(bytes));
  const job = await engine.invoke('artifacts.add', { path: 'model', kind: 'model' });
  const done: JobInfo = await engine.invoke('jobs.wait', { id: job.jobId });
  expect(done.error).toBe(null);
}

async function deploy(target: string, model: string): Promise<JobInfo> {
  const { jobId } = await engine.invoke('deploy.start', { target, model });
  return engine.invoke('jobs.wait', { id: jobId });
}

const current = async (name: string) =>
  ((await engine.invoke('deploy.targets', {})).find((x) => x.name === name) as TargetInfo).current;

/** Every path under a folder with its size, to show nothing was added, removed or changed. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort().map((f) => {
    const st = fs.lstatSync(path.join(dir, f));
    return st.isSymbolicLink() ? `${f} -> ${fs.readlinkSync(path.join(dir, f))}` : `${f} ${st.size}`;
  });
}

beforeAll(async () => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:
  model: { path: model, kind: model }
targets:
  nowhere: { type: folder, path: ${path.join(t.dir, 'no', 'such', 'folder')} }
  shelf: { type: folder, path: ${readOnly} }
  small: { type: folder, path: ${full} }
`,
  );
  engine.openProject(root, 'init');
  await addVersion(1000); // model@1
  await addVersion(2000); // model@2
  await addVersion(3 << 19); // model@3: 1.5 MiB, more than the 1 MiB disk holds
}, 60000);

afterAll(async () => {
  await engine.shutdown();
  for (const dir of mounted) spawnSync('umount', [dir]);
  t.cleanup();
});

describe('a folder target that cannot take the model', () => {
  it('a folder that does not exist: refused naming the target and the path, nothing created', async () => {
    const job = await deploy('nowhere', 'model@1');
    expect(job.error?.code).toBe('NOT_FOUND');
    expect(job.error?.message).toBe(
      `Cannot deploy to target nowhere: the folder ${path.join(t.dir, 'no', 'such', 'folder')} does not exist; create it, or change the target's path: in strata.yaml`,
    );
    expect(fs.existsSync(path.join(t.dir, 'no'))).toBe(false);
    expect(await current('nowhere')).toBe(null);
    const [last] = await engine.invoke('deploy.history', { target: 'nowhere', limit: 1 });
    expect(last).toMatchObject({ status: 'failed', version: 1 });
  });

  it.skipIf(!canMount)(
    'a read-only file system (a tmpfs remounted ro; mount needs root): refused, the deployment and the folder untouched',
    async () => {
      const first = await deploy('shelf', 'model@1');
      expect(first.error).toBe(null);
      const before = listing(readOnly);
      expect(before).toContain('current -> model@1');
      expect(spawnSync('mount', ['-o', 'remount,ro', readOnly]).status).toBe(0);

      const job = await deploy('shelf', 'model@2');
      expect(job.error?.code).toBe('READ_ONLY');
      expect(job.error?.message).toBe(
        `Cannot deploy to target shelf: ${readOnly} is on a read-only file system`,
      );
      expect(listing(readOnly)).toEqual(before);
      expect(await current('shelf')).toMatchObject({
        id: (first.result as DeployResult).deployment.id,
        version: 1,
        status: 'active',
      });
    },
  );

  it.skipIf(!canMount)(
    'a disk that fills while the model is copied (a 1 MiB tmpfs): refused, no half-written model left, current unchanged',
    async () => {
      const first = await deploy('small', 'model@2');
      expect(first.error).toBe(null);
      const before = listing(full);

      const job = await deploy('small', 'model@3');
      expect(job.error?.code).toBe('DISK_FULL');
      expect(job.error?.message).toBe(`Cannot deploy to target small: the disk holding ${full} is full`);
      expect(listing(full)).toEqual(before);
      expect(await current('small')).toMatchObject({
        id: (first.result as DeployResult).deployment.id,
        version: 2,
      });
    },
  );
});

if (!canMount)
  console.warn(
    'deploy-folder: read-only and full-disk cases skipped: mount -t tmpfs is not permitted here (needs root)',
  );
