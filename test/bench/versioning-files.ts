// 100,000 files of 4 KiB: first version (target ≥ 30,000 files/s) and a re-check with nothing
// changed (target ≤ 0.5 s and ≤ 2× a bare stat walk of the same tree, measured side by side here).
//   STRATA_BENCH_FILES=100000 node --import tsx test/bench/versioning-files.ts
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineModule } from './versioning-engine.js';

// The compiled engine (out/, built by scripts/bench.js), so workers start as they do in the app.
const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { hashPath, recordVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');

const FILES = Number(process.env.STRATA_BENCH_FILES ?? 100_000);
const PER_DIR = 1000;

function statWalk(dir: string): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop() as string;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else {
        fs.statSync(p);
        n++;
      }
    }
  }
  return n;
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
  console.log(
    `first version of ${FILES} files × 4 KiB: ${addS.toFixed(2)} s = ${Math.round(FILES / addS)} files/s (target ≥ 30000) → ratio to target ${(FILES / addS / 30000).toFixed(2)}×`,
  );

  const walks: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < 3; i++) {
    walks.push((await time(() => statWalk(data)))[0]);
    const [s, h] = await time(() => hashPath(project, 'data'));
    if (h !== v.rootHash) throw new Error('re-check gave a different root hash');
    checks.push(s);
  }
  const walk = Math.min(...walks);
  const check = Math.min(...checks);
  console.log(
    `re-check, nothing changed: ${check.toFixed(3)} s (target ≤ 0.5 s); bare stat walk ${walk.toFixed(3)} s; ratio ${(check / walk).toFixed(2)}× (target ≤ 2×)`,
  );
  const [againS, again] = await time(() => recordVersion(project, { path: 'data', source: 'manual' }));
  console.log(`recordVersion on the unchanged tree: ${againS.toFixed(3)} s (created: ${again.created})`);
  project.close();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
