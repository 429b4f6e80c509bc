#!/usr/bin/env node
// `npm run bench`: runs every benchmark in test/bench/ (each *.ts, through tsx), one after another so
// they do not disturb each other's timings, then lists every figure beside its comparator and target.
//   npm run bench -- versioning         only files whose name contains "versioning"
//   npm run bench -- --check            exit 1 when a benchmark fails or any target is missed
//   npm run bench -- --small --check    the same on scaled-down data (minutes, not tens of minutes):
//                                       checks that the benchmarks and --check work, not the targets
// Files named generate-*.ts are data generators, versioning-engine.ts and report.ts are helpers.
// Figures are only comparable on a quiet machine: each benchmark prints ratios to a comparator it
// runs in the same script, because a shared machine's absolute times swing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// STRATA_BENCH_DIR runs the benchmarks of another folder without building the app (this script's tests).
const dir = process.env.STRATA_BENCH_DIR ?? path.join(root, 'test', 'bench');
const HELPERS = new Set(['versioning-engine.ts', 'report.ts']);
const FLAGS = new Set(['--check', '--small']);
const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith('-') && !FLAGS.has(a));
if (unknown.length) {
  console.error(`bench: unknown option ${unknown[0]} (options: --check, --small)`);
  process.exit(2);
}
const check = args.includes('--check');
const small = args.includes('--small');
const only = args.filter((a) => !a.startsWith('-'));
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('generate-') && !HELPERS.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no benchmark matches ${only.join(', ')}`);
  process.exit(2);
}

// Benchmarks measure the compiled engine, as the app runs it; compare-runs drives the built UI.
const builds = process.env.STRATA_BENCH_DIR
  ? []
  : ['build:node', ...(files.some((f) => f.startsWith('compare-')) ? ['build:renderer'] : [])];
for (const script of builds) {
  const build = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(1);
}

// The figures are meant for a quiet machine: say how busy this one is, before and after.
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} on ${os.availableParallelism()} cores`;
const loadBefore = load();
const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-results-')), 'figures.jsonl');
fs.writeFileSync(results, '');
const env = { ...process.env, STRATA_BENCH_RESULTS: results, STRATA_BENCH_SMALL: small ? '1' : '0' };
const crashed = [];
for (const f of files) {
  console.log(`\n── bench ${f}${small ? ' (small sizes)' : ''} ──`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f)], {
    stdio: 'inherit',
    cwd: root,
    env,
  });
  if (r.status !== 0) {
    crashed.push(f);
    console.error(`bench ${f} exited with ${r.status ?? r.signal}`);
  }
}

const figures = fs
  .readFileSync(results, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
fs.rmSync(path.dirname(results), { recursive: true, force: true });

console.log(`\n${loadBefore} before the benchmarks, ${load()} after`);
console.log(`\n── figures${small ? ' (small sizes: not the issues’ sizes, targets checked anyway)' : ''} ──`);
for (const f of figures) console.log(f.line);
const missed = figures.reduce((n, f) => n + f.verdicts.filter((v) => !v.pass).length, 0);
const targets = figures.reduce((n, f) => n + f.verdicts.length, 0);
console.log(
  `\n${files.length - crashed.length} of ${files.length} benchmarks ran; ${targets - missed} of ${targets} targets met`,
);
if (crashed.length) process.exit(1);
if (check && missed) {
  console.error(`bench --check: ${missed} target${missed === 1 ? '' : 's'} missed`);
  process.exit(1);
}
