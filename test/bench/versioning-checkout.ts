// Checkout of 100,000 files of 4 KiB (no target in the issue; a figure users feel): into an empty
// folder, against `cp -r` of the same tree (creating 100,000 files is most of both), and over a tree
// that already holds the version, against a bare stat walk. The app's and the CLI's checkout first
// ask whether the store has every content of the version (else it is offered from a remote): that
// look-up is timed on its own.
//   STRATA_BENCH_FILES=100000 node --import tsx test/bench/versioning-checkout.ts
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figure, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { recordVersion, restoreVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');
const { remoteCheckoutPlan } =
  await engineModule<typeof import('../../electron/core/remote/checkout.js')>('remote/checkout.js');

const FILES = size('STRATA_BENCH_FILES', 100_000, 5_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-checkout-'));
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

function statWalk(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) statWalk(p);
    else fs.statSync(p);
  }
}

try {
  const data = path.join(root, 'data');
  const block = crypto.randomBytes(4096);
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(data, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    block.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(sub, `${i}.bin`), block);
  }
  execFileSync('sync');
  const project = Project.init(root);
  const v = await recordVersion(project, { path: 'data', source: 'manual' });
  fs.renameSync(data, path.join(root, 'original'));
  execFileSync('sync');

  let t = process.hrtime.bigint();
  execFileSync('cp', ['-r', path.join(root, 'original'), path.join(root, 'copy')]);
  const cp = seconds(t);
  execFileSync('sync');
  t = process.hrtime.bigint();
  await restoreVersion(project, v.rootHash, 'data');
  const ours = seconds(t);
  figure({
    name: `checkout of ${FILES} files into an empty folder`,
    value: ours,
    unit: 's',
    comparator: { label: 'cp -r of the same tree', value: cp },
  });

  // Old enough for the stat cache to vouch for them.
  await new Promise((r) => setTimeout(r, 1100));
  await recordVersion(project, { path: 'data', source: 'manual' });
  t = process.hrtime.bigint();
  statWalk(data);
  const walk = seconds(t);
  t = process.hrtime.bigint();
  const plan = await remoteCheckoutPlan(
    project,
    v.artifact,
    String(v.version),
    undefined,
    AbortSignal.timeout(60_000),
  );
  const lookup = seconds(t);
  if (plan !== null) throw new Error('the store should have every content of the version');
  t = process.hrtime.bigint();
  await restoreVersion(project, v.rootHash, 'data');
  const again = seconds(t);
  figure({
    name: 'checkout over a tree that already holds the version',
    value: again,
    unit: 's',
    comparator: { label: 'stat walk of the tree, one thread', value: walk },
  });
  figure({
    name: `does the store have every content? (before a checkout offers a pull; ${FILES} contents)`,
    value: lookup,
    unit: 's',
  });
  project.close();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
