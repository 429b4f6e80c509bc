// 100,000 files of 4 KiB: first version (target ≥ 30,000 files/s) and a re-check with nothing
// changed (target ≤ 0.5 s and ≤ 2× a bare stat walk of the same tree). The re-check stats every file
// in as many worker threads as hashPath uses (min(cores, 4)), each taking a contiguous run of the
// sorted tree; the comparator is a stat walk split the same way over the same number of threads,
// started before the clock as hashPath's pooled workers are. The re-check does more per file than
// the comparator: it also reads the file's stat cache row (a page of rows per SQLite call), and the
// label says so. `find -printf` (one process, the size, mtime and inode the stat cache compares) is
// printed beside them.
//   STRATA_BENCH_FILES=100000 node --import tsx test/bench/versioning-files.ts
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { figure, note, size } from './report.js';
import { engineModule } from './versioning-engine.js';

// The compiled engine (out/, built by scripts/bench.js), so workers start as they do in the app.
const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { hashPath, recordVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');

const FILES = size('STRATA_BENCH_FILES', 100_000, 5_000);
const PER_DIR = 1000;
const THREADS = Math.max(1, Math.min(os.availableParallelism(), 4));

/** A worker that stat-walks the folders it is sent and answers with the number of files. */
const WALKER = `
const fs = require('node:fs');
const path = require('node:path');
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (dirs) => {
  let n = 0;
  const stack = [...dirs];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else { fs.statSync(p); n++; }
    }
  }
  parentPort.postMessage(n);
});`;

/** The top-level folders in sorted order, cut into one contiguous run per worker, walked in parallel. */
async function threadedStatWalk(workers: Worker[], dir: string): Promise<number> {
  const tops = fs
    .readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name));
  const per = Math.ceil(tops.length / workers.length);
  const counts = await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<number>((resolve) => {
          w.once('message', resolve);
          w.postMessage(tops.slice(i * per, (i + 1) * per));
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e9, r];
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-files-'));
try {
  const data = path.join(root, 'data');
  const block = crypto.randomBytes(4096);
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(data, `d${Math.floor(i / PER_DIR)}`);
    if (i % PER_DIR === 0) fs.mkdirSync(sub, { recursive: true });
    block.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(sub, `${i}.bin`), block);
  }
  // The tree is at rest on disk, as a dataset being versioned is: without this, the journal commit of
  // our own fdatasync (ext4, data=ordered) also wrote out the 400 MB and 100,000 files this script
  // had just created. Files modified within the last second are re-hashed on principle (racy
  // mtime); let them age.
  execFileSync('sync');
  await new Promise((r) => setTimeout(r, 1100));
  const project = Project.init(root);
  const [addS, v] = await time(() => recordVersion(project, { path: 'data', source: 'manual' }));
  figure({
    name: `first version of ${FILES} files × 4 KiB`,
    value: FILES / addS,
    unit: 'files/s',
    targets: [{ on: 'value', op: '>=', limit: 30_000 }],
  });

  const workers = Array.from({ length: THREADS }, () => new Worker(WALKER, { eval: true }));
  const walks: number[] = [];
  const checks: number[] = [];
  const finds: number[] = [];
  const hasFind = spawnSync('find', ['--version']).status === 0;
  for (let i = 0; i < 3; i++) {
    const [w, n] = await time(() => threadedStatWalk(workers, data));
    if (n !== FILES) throw new Error(`the stat walk saw ${n} files`);
    walks.push(w);
    const [s, h] = await time(() => hashPath(project, 'data'));
    if (h !== v.rootHash) throw new Error('re-check gave a different root hash');
    checks.push(s);
    if (hasFind)
      finds.push(
        (
          await time(() =>
            execFileSync('find', [data, '-type', 'f', '-printf', '%s %T@ %i\n'], { maxBuffer: 1 << 30 }),
          )
        )[0],
      );
  }
  await Promise.all(workers.map((w) => w.terminate()));
  note(
    `re-check: best of 3, each beside a stat walk in ${THREADS} worker thread(s), hashPath uses ${THREADS}`,
  );
  figure({
    name: 're-check, nothing changed',
    value: Math.min(...checks),
    unit: 's',
    comparator: {
      label: `stat walk in ${THREADS} threads, same split (the re-check also reads each file's stat cache row)`,
      value: Math.min(...walks),
    },
    targets: [
      { on: 'value', op: '<=', limit: 0.5 },
      { on: 'ratio', op: '<=', limit: 2 },
    ],
  });
  if (hasFind)
    figure({
      name: 're-check, nothing changed',
      value: Math.min(...checks),
      unit: 's',
      comparator: { label: 'find -printf size, mtime, inode (one process)', value: Math.min(...finds) },
    });
  const [againS, again] = await time(() => recordVersion(project, { path: 'data', source: 'manual' }));
  note(`recordVersion on the unchanged tree: ${againS.toFixed(3)} s (created: ${again.created})`);
  project.close();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
