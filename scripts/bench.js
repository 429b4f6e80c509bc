#!/usr/bin/env node
// `npm run bench`: runs every benchmark in test/bench/ (each *.ts, through tsx), one after another so
// they do not disturb each other's timings. Files named generate-*.ts are data generators that other
// benchmarks call, and versioning-engine.ts is a helper: neither is a benchmark. `npm run bench -- versioning` runs only files whose name contains
// "versioning". Each benchmark prints its own ratios against a comparator run in the same script.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'bench');
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('generate-') && f !== 'versioning-engine.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// Benchmarks measure the compiled engine, as the app runs it.
const build = spawnSync('npm', ['run', '--silent', 'build:node'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(1);
let failed = 0;
for (const f of files) {
  console.log(`\n── bench ${f} ──`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f)], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${f} exited with ${r.status ?? r.signal}`);
  }
}
console.log(`\n${files.length - failed} of ${files.length} benchmarks ran`);
process.exit(failed ? 1 : 0);
