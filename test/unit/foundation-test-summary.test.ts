import { describe, it, expect } from 'vitest';
// @ts-expect-error plain JavaScript module without types
import { summarize } from '../../scripts/test-summary.js';

describe("npm test's summary line", () => {
  it('counts a test file that failed to load (an import error) as a failed test', () => {
    const vitest = {
      numPassedTests: 10,
      numFailedTests: 0,
      numPendingTests: 1,
      testResults: [
        { name: '/r/test/unit/ok.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] },
        { name: '/r/test/unit/broken.test.ts', status: 'failed', assertionResults: [] },
      ],
    };
    expect(summarize(vitest, { stats: { expected: 5, unexpected: 1, skipped: 2, flaky: 1 } })).toEqual({
      passed: 16,
      failed: 2,
      skipped: 3,
      unloadable: ['/r/test/unit/broken.test.ts'],
    });
    expect(summarize(null, null)).toEqual({ passed: 0, failed: 0, skipped: 0, unloadable: [] });
  });
});
