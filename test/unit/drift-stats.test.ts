import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ks2samp } from '../../electron/core/drift/stats/ks.js';
import { binCounts, psiEdges, psiFromCounts } from '../../electron/core/drift/stats/numeric.js';
import { ecdfGaps } from '../../electron/core/drift/stats/ecdf.js';
import { chi2Contingency, jensenShannon } from '../../electron/core/drift/stats/categorical.js';
import { sortedFinite } from '../../electron/core/drift/stats/sort.js';
import { categories, normals } from '../helpers/drift-data.js';

// Expected values come from Debian's scipy, run on the same generated data (no hard-coded results).
const SCRIPT = path.join(import.meta.dirname, '../fixtures/drift/scipy_reference.py');
type Case = { kind: string; a: number[]; b: number[] };
function scipy(cases: Case[]): Record<string, number>[] {
  const out = execFileSync('/usr/bin/python3', [SCRIPT], {
    input: JSON.stringify(cases),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const rel = (got: number, want: number) =>
  want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
const round = (x: Float64Array, step: number) => x.map((v) => Math.round(v / step) * step);

// [label, reference, current]: every region of ks_2samp's 'auto' method and of the kstwo distribution.
const ksCases: [string, Float64Array, Float64Array][] = [
  ['exact, equal sizes', normals(1, 50), normals(2, 50, 0.5)],
  ['exact, unequal sizes', normals(3, 37), normals(4, 91, 0.3)],
  ['exact, ties', round(normals(5, 300), 0.5), round(normals(6, 500, 0.1), 0.5)],
  ['exact, 10,000 each (the largest exact size)', normals(7, 10000), normals(8, 10000, 0.03)],
  ['exact, identical samples', normals(9, 200), normals(9, 200)],
  ['exact, far tail', normals(10, 400), normals(11, 400, 1.5)],
  ['asymptotic, en ≤ 140 (Pomeranz / Durbin region)', normals(12, 20000), normals(13, 100, 0.2)],
  ['asymptotic, en ≤ 140, small D', normals(14, 20000), normals(15, 130)],
  ['asymptotic, en ≤ 140, smallest D (Durbin matrix)', normals(24, 30000), normals(26, 120)],
  ['asymptotic, moderate n (Durbin matrix)', normals(16, 10001), normals(17, 3000, 0.02)],
  ['asymptotic, n > 100,000 (Pelz–Good)', normals(18, 300000), normals(19, 250000, 0.004)],
  ['asymptotic, tail (Smirnov sum)', normals(20, 20000), normals(21, 5000, 0.08)],
  ['asymptotic, far tail', normals(22, 50000), normals(23, 50000, 0.2)],
  [
    'asymptotic, a small tied sample against a large tied one',
    round(normals(27, 40000), 0.25),
    round(normals(28, 900, 0.1), 0.25),
  ],
];

describe('drift statistics match scipy 1.10 to 1e-6 relative', () => {
  it('two-sample KS statistic and p-value (ks_2samp, method auto)', () => {
    const want = scipy(ksCases.map(([, a, b]) => ({ kind: 'ks', a: [...a], b: [...b] })));
    ksCases.forEach(([label, a, b], i) => {
      const got = ks2samp(sortedFinite(a), sortedFinite(b));
      expect(rel(got.statistic, want[i].statistic), `${label}: statistic`).toBeLessThan(1e-12);
      expect(rel(got.pvalue, want[i].pvalue), `${label}: p ${got.pvalue} vs ${want[i].pvalue}`).toBeLessThan(
        1e-6,
      );
      expect(got.method).toBe(Math.max(a.length, b.length) <= 10000 ? 'exact' : 'asymp');
    });
  });

  it('Wasserstein-1, raw and normalised by the reference std', () => {
    const cases: [Float64Array, Float64Array][] = [
      [normals(30, 1000), normals(31, 700, 0.25, 1.3)],
      [round(normals(32, 5000), 1), round(normals(33, 4000, 0.5), 1)],
      [normals(34, 100000), normals(35, 100000, 0.001)],
      // A window against a large reference (the binary-search path), with and without ties, either way round.
      [normals(36, 100000), normals(37, 1500, 0.3, 0.8)],
      [round(normals(38, 50000), 0.5), round(normals(39, 800, 0.2), 0.5)],
      [normals(40, 700, -0.1), normals(41, 60000)],
    ];
    const want = scipy(cases.map(([a, b]) => ({ kind: 'wasserstein', a: [...a], b: [...b] })));
    cases.forEach(([a, b], i) => {
      const w = ecdfGaps(sortedFinite(a), sortedFinite(b)).wasserstein;
      expect(rel(w, want[i].distance)).toBeLessThan(1e-9);
    });
  });

  it('PSI over reference deciles, ties collapsing bins', () => {
    const cases: [Float64Array, Float64Array][] = [
      [normals(40, 5000), normals(41, 3000, 0.3)],
      [round(normals(42, 5000), 1), round(normals(43, 2000, 0.2), 1)],
      [normals(44, 1000), normals(45, 1000, 3)],
    ];
    const want = scipy(cases.map(([a, b]) => ({ kind: 'psi', a: [...a], b: [...b] })));
    cases.forEach(([a, b], i) => {
      const ra = sortedFinite(a);
      const edges = psiEdges(ra);
      const psi = psiFromCounts(binCounts(ra, edges), binCounts(sortedFinite(b), edges));
      expect(rel(psi, want[i].psi)).toBeLessThan(1e-9);
    });
  });

  it('chi-square on the contingency table (with Yates when dof = 1) and Jensen–Shannon distance', () => {
    const count = (x: Int32Array, k: number) => {
      const c = new Array(k).fill(0);
      for (const v of x) c[v]++;
      return c;
    };
    const tables: [number[], number[]][] = [
      [count(categories(50, 5000, [5, 3, 2, 1]), 4), count(categories(51, 4000, [5, 3, 2.2, 1]), 4)],
      [count(categories(52, 300, [1, 1]), 2), count(categories(53, 200, [1, 1.3]), 2)],
      [
        count(categories(54, 100000, [10, 5, 1, 0.1, 3]), 5),
        count(categories(55, 20000, [10, 5, 1, 0.2, 3]), 5),
      ],
    ];
    const chi = scipy(tables.map(([a, b]) => ({ kind: 'chi2', a, b })));
    const js = scipy(tables.map(([a, b]) => ({ kind: 'js', a, b })));
    tables.forEach(([a, b], i) => {
      const got = chi2Contingency(a, b);
      expect(got.dof).toBe(chi[i].dof);
      expect(rel(got.statistic, chi[i].statistic)).toBeLessThan(1e-9);
      expect(rel(got.pvalue, chi[i].pvalue)).toBeLessThan(1e-6);
      expect(rel(jensenShannon(a, b), js[i].distance)).toBeLessThan(1e-9);
    });
  });
});

describe('sorting', () => {
  it('the radix sort orders negatives, zeros, infinities and drops NaN', () => {
    const x = normals(60, 50000).map((v, i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? -0 : v * 1e3));
    x[5] = Infinity;
    x[6] = -Infinity;
    const want = Float64Array.from(x.filter((v) => !Number.isNaN(v))).sort();
    expect(sortedFinite(x)).toEqual(want);
  });
});
