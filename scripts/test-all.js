#!/usr/bin/env node
// `npm test`: layering lint, ESLint, format check, type checks, build, engine tests (vitest),
// end-to-end tests (Playwright in Debian's Chromium). Stops at the first failing step and ends with
// one summary line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJson, summarize } from './test-summary.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-test-report-'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [
  ['layering lint', 'node', ['scripts/lint-layers.js']],
  ['lint (eslint)', 'node', ['scripts/eslint.js']],
  ['format check (prettier)', npx, ['prettier', '--check', '--log-level', 'warn', '.']],
  ['type check', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (shared: no Node, no DOM)', npx, ['tsc', '-p', 'tsconfig.shared.json', '--noEmit']],
  ['build', 'npm', ['run', '--silent', 'build']],
  [
    'engine tests',
    npx,
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(tmp, 'vitest.json')}`,
    ],
    { STRATA_TEST_BUILT: '1' },
  ],
  [
    'end-to-end tests',
    npx,
    ['playwright', 'test'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(tmp, 'playwright.json') },
  ],
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

const { passed, failed, skipped, unloadable } = summarize(
  readJson(path.join(tmp, 'vitest.json')),
  readJson(path.join(tmp, 'playwright.json')),
);
for (const f of unloadable)
  console.error(`npm test: ${path.relative(process.cwd(), f)} failed to load (counted as one failed test)`);
fs.rmSync(tmp, { recursive: true, force: true });
if (failedStep) console.error(`\nnpm test: the step "${failedStep}" failed.`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedStep || failed ? 1 : 0);
