import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { figure } from '../bench/report.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());

describe('benchmark figures', () => {
  it('judge each target on the value or on the ratio to the comparator, and record the line for --check', () => {
    const out = path.join(t.dir, 'figures.jsonl');
    process.env.STRATA_BENCH_RESULTS = out;
    try {
      const recheck = figure({
        name: 're-check',
        value: 0.45,
        unit: 's',
        comparator: { label: 'stat walk, 2 threads', value: 0.2 },
        targets: [
          { on: 'value', op: '<=', limit: 0.5 },
          { on: 'ratio', op: '<=', limit: 2 },
        ],
      });
      expect(recheck.ratio).toBeCloseTo(2.25);
      expect(recheck.verdicts.map((v) => v.pass)).toEqual([true, false]);
      expect(recheck.line).toMatch(
        /^\S+: re-check: 0.450 s \| comparator, stat walk, 2 threads: 0.200 s \(ratio 2.25×\) \| target ≤ 0.500 s: PASS \| target ratio ≤ 2.00×: MISS$/,
      );
      const rate = figure({
        name: 'ingestion',
        value: 400_000,
        unit: 'points/s',
        targets: [{ on: 'value', op: '>=', limit: 300_000 }],
      });
      expect(rate.verdicts[0].pass).toBe(true);
      expect(rate.ratio).toBeNull();
      const recorded = fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(recorded.map((r) => [r.name, r.verdicts.map((v: { pass: boolean }) => v.pass)])).toEqual([
        ['re-check', [true, false]],
        ['ingestion', [true]],
      ]);
    } finally {
      delete process.env.STRATA_BENCH_RESULTS;
    }
  });
});
