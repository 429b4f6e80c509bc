#!/usr/bin/env node
// `npm test`: layering lint, type checks, build, engine tests (vitest), end-to-end tests (Playwright in
// Debian's Chromium). Stops at the first failing step and ends with one summary line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-test-report-'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [
  ['layering lint', 'node', ['scripts/lint-layers.js']],
  ['type check', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (shared: no Node, no DOM)', npx, ['tsc', '-p', 'tsconfig.shared.json', '--noEmit']],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['engine tests', npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(tmp, 'vitest.json')}`], { STRATA_TEST_BUILT: '1' }],
  ['end-to-end tests', npx, ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(tmp, 'playwright.json') }],
];

const only = process.argv.slice(2);
let failedStep = null;
for (const [name, cmd, args, env] of steps) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    failedStep = name;
    break;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = path.join(tmp, 'vitest.json');
if (fs.existsSync(vitest)) {
  const v = JSON.parse(fs.readFileSync(vitest, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
const pw = path.join(tmp, 'playwright.json');
if (fs.existsSync(pw)) {
  const s = JSON.parse(fs.readFileSync(pw, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
}
fs.rmSync(tmp, { recursive: true, force: true });
if (failedStep) console.error(`\nnpm test: the step "${failedStep}" failed.`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedStep || failed ? 1 : 0);
