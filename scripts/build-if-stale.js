#!/usr/bin/env node
// `npm start`'s build step: builds the engine (tsc) and the UI (vite) only when a file they are built
// from is newer than the last build of each, so a second `npm start` starts at once.
//   node scripts/build-if-stale.js          builds what is stale, says what it skipped
//   node scripts/build-if-stale.js --force  builds both (`npm run build`), and records it
//   --root DIR                              another checkout (the tests use a stand-in)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const rootAt = process.argv.indexOf('--root');
const root = rootAt > 0 ? path.resolve(process.argv[rootAt + 1]) : path.resolve(import.meta.dirname, '..');
const common = ['shared', 'package.json', 'package-lock.json', 'tsconfig.json'];
const parts = [
  {
    name: 'engine',
    script: 'build:node',
    inputs: [...common, 'electron', 'tsconfig.node.json', 'tsconfig.preload.json'],
    stamp: path.join(root, 'out', '.built'),
  },
  {
    name: 'UI',
    script: 'build:renderer',
    inputs: [...common, 'renderer', 'vite.config.ts'],
    stamp: path.join(root, 'dist', 'renderer', '.built'),
  },
];

/** The newest modification time under p (a file or a folder), 0 when it does not exist. */
function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

function stampTime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

const force = process.argv.includes('--force');
for (const part of parts) {
  const changed = Math.max(...part.inputs.map((i) => newest(path.join(root, i))));
  if (!force && stampTime(part.stamp) >= changed) {
    console.log(`start: the ${part.name} is up to date, not rebuilt`);
    continue;
  }
  // Taken before the build: a file saved while it runs is seen as changed next time.
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', part.script], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    console.error(`start: building the ${part.name} failed (npm run ${part.script})`);
    process.exit(r.status ?? 1);
  }
  fs.mkdirSync(path.dirname(part.stamp), { recursive: true });
  fs.writeFileSync(part.stamp, '');
  fs.utimesSync(part.stamp, started / 1000, started / 1000);
}
