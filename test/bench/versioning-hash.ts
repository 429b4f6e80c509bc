// A 1 GiB file, first version: throughput against `openssl dgst -sha256` on the same file (target
// ≥ 0.8×; Strata stores sha256, openssl only hashes: the label says so) and against `git lfs` adding
// the same file (target ≥ 5× faster).
// `b3sum --num-threads 1` is printed too, as the figure a BLAKE3 store would have to match.
//   STRATA_BENCH_BIG_MB=1024 node --import tsx test/bench/versioning-hash.ts
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figure, note, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { hashPath, recordVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');

const MB = size('STRATA_BENCH_BIG_MB', 1024, 64);
const RUNS = 2;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-hash-'));

function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}
const best = (fn: () => void) => Math.min(...Array.from({ length: RUNS }, () => seconds(fn)));
const have = (cmd: string) => spawnSync('which', [cmd]).status === 0;

try {
  const big = path.join(dir, 'big.bin');
  const fd = fs.openSync(big, 'w');
  const chunk = crypto.randomBytes(64 << 20);
  for (let written = 0; written < MB << 20; written += chunk.length)
    fs.writeSync(fd, chunk, 0, Math.min(chunk.length, (MB << 20) - written));
  fs.closeSync(fd);
  const bytes = fs.statSync(big).size;
  const gbps = (s: number) => (bytes / s / 1e9).toFixed(2);
  // The file is at rest on disk, as a dataset being versioned is: without this, the journal commit
  // of our own fsync (ext4, data=ordered) also wrote out the 1 GiB this script had just generated,
  // 0.3 s that openssl never paid. Then it is read once, so every tool reads from the page cache.
  execFileSync('sync');
  execFileSync('cat', [big], { stdio: ['ignore', 'ignore', 'inherit'] });

  const openssl = best(() => execFileSync('openssl', ['dgst', '-sha256', big]));
  if (have('b3sum')) {
    const b3 = best(() => execFileSync('b3sum', ['--num-threads', '1', big]));
    note(
      `b3sum --num-threads 1: ${b3.toFixed(2)} s (${gbps(b3)} GB/s), the figure a BLAKE3 store would have to match`,
    );
  }

  let ours = Infinity;
  let hashOnly = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const root = path.join(dir, `p${i}`);
    fs.mkdirSync(root);
    fs.renameSync(big, path.join(root, 'big.bin'));
    const project = Project.init(root);
    // The hash alone (what hashPath does, nothing stored) shows how the total splits.
    const th = process.hrtime.bigint();
    await hashPath(project, 'big.bin');
    hashOnly = Math.min(hashOnly, Number(process.hrtime.bigint() - th) / 1e9);
    project.db.prepare('DELETE FROM stat_cache').run();
    const t = process.hrtime.bigint();
    await recordVersion(project, { path: 'big.bin', source: 'manual' });
    ours = Math.min(ours, Number(process.hrtime.bigint() - t) / 1e9);
    project.close();
    fs.renameSync(path.join(root, 'big.bin'), big);
    fs.rmSync(root, { recursive: true });
  }
  note(`${MB} MiB file, best of ${RUNS}; hashing alone (hashPath, nothing stored) ${hashOnly.toFixed(2)} s`);
  figure({
    name: 'first version (sha256, stored + fsynced), throughput',
    value: bytes / ours / 1e9,
    unit: 'GB/s',
    comparator: { label: 'openssl dgst -sha256 of the same file (hash only)', value: bytes / openssl / 1e9 },
    targets: [{ on: 'ratio', op: '>=', limit: 0.8 }],
  });
  if (have('git-lfs')) {
    let lfs = Infinity;
    for (let i = 0; i < RUNS; i++) {
      const repo = path.join(dir, `git${i}`);
      fs.mkdirSync(repo);
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
      git('init', '-q');
      git('lfs', 'install', '--local');
      git('lfs', 'track', '*.bin');
      fs.renameSync(big, path.join(repo, 'big.bin'));
      lfs = Math.min(
        lfs,
        seconds(() => git('add', 'big.bin')),
      );
      fs.renameSync(path.join(repo, 'big.bin'), big);
      fs.rmSync(repo, { recursive: true });
    }
    // ≥ 5× faster than git lfs is a time ratio ≤ 0.2.
    figure({
      name: 'first version (sha256, stored + fsynced), time',
      value: ours,
      unit: 's',
      comparator: { label: 'git lfs add of the same file', value: lfs },
      targets: [{ on: 'ratio', op: '<=', limit: 0.2 }],
    });
  } else note('git-lfs is not installed: that comparison was skipped');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
