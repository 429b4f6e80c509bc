// Counts for `npm test`'s summary line, from vitest's and Playwright's JSON reports.
import fs from 'node:fs';

/** A test file that failed before any of its tests ran (an import error) counts as one failed test. */
export function summarize(vitestJson, playwrightJson) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let unloadable = [];
  if (vitestJson) {
    passed += vitestJson.numPassedTests ?? 0;
    failed += vitestJson.numFailedTests ?? 0;
    skipped += (vitestJson.numPendingTests ?? 0) + (vitestJson.numTodoTests ?? 0);
    unloadable = (vitestJson.testResults ?? [])
      .filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0)
      .map((r) => r.name);
    failed += unloadable.length;
  }
  if (playwrightJson) {
    const s = playwrightJson.stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += s.unexpected ?? 0;
    skipped += s.skipped ?? 0;
  }
  return { passed, failed, skipped, unloadable };
}

export function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}
