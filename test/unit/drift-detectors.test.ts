import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adwin,
  Ddm,
  Eddm,
  PageHinkley,
  detect,
  makeDetector,
  EDDM_DEFAULTS,
  type DetectorName,
} from '../../electron/core/drift/detectors.js';
import { DEFAULT_DETECTORS } from '../../electron/core/drift/defaults.js';
import { errorStream } from '../helpers/drift-data.js';

const streams = JSON.parse(
  execFileSync('/usr/bin/python3', [path.join(import.meta.dirname, '../fixtures/drift/river_streams.py')], {
    encoding: 'utf8',
  }),
) as Record<string, number[]>;

describe("detectors report what river's documentation shows on its own example streams", () => {
  it('DDM: warning at 1084, change at 1334, warning again at 1492', () => {
    const d = new Ddm();
    const events: string[] = [];
    let printWarning = true;
    streams.ddm.forEach((x, i) => {
      const drift = d.update(x);
      if (d.warning && printWarning) {
        events.push(`warning ${i}`);
        printWarning = false;
      }
      if (drift) {
        events.push(`change ${i}`);
        printWarning = true;
      }
    });
    expect(events).toEqual(['warning 1084', 'change 1334', 'warning 1492']);
  });

  it('EDDM (alpha 0.8, beta 0.75): warning at 1059, change at 1278', () => {
    const d = new Eddm({ ...EDDM_DEFAULTS, alpha: 0.8, beta: 0.75 });
    const events: string[] = [];
    let printWarning = true;
    streams.eddm.forEach((x, i) => {
      const drift = d.update(x);
      if (d.warning && printWarning) {
        events.push(`warning ${i}`);
        printWarning = false;
      }
      if (drift) {
        events.push(`change ${i}`);
        printWarning = true;
      }
    });
    expect(events).toEqual(['warning 1059', 'change 1278']);
  });

  it('Page-Hinkley: change at 1006', () => {
    expect(detect(new PageHinkley(), streams.page_hinkley)).toEqual([1006]);
  });

  it('ADWIN: change at 1023', () => {
    expect(detect(new Adwin(), streams.adwin)).toEqual([1023]);
  });
});

describe('detectors on streams with known change points', () => {
  // Error rate 0.1 for 50,000 items, then 0.3 (abrupt) or 0.15 (small).
  const cases: [string, number, number][] = [
    ['abrupt 0.1 → 0.3', 0.3, 2000],
    ['small 0.1 → 0.15', 0.15, 10000],
  ];
  for (const [label, after, maxDelay] of cases) {
    it(`ADWIN detects ${label} once, within ${maxDelay} items`, () => {
      for (const seed of [1, 2, 3]) {
        const at = detect(new Adwin(), errorStream(seed, 100000, [0.1, after], [50000]));
        expect(at.length, `seed ${seed}: ${at}`).toBe(1);
        expect(at[0]).toBeGreaterThanOrEqual(50000);
        expect(at[0] - 50000).toBeLessThan(maxDelay);
      }
    });
  }

  it('DDM detects an abrupt rise of the error rate after the change, not before', () => {
    const at = detect(new Ddm(), errorStream(4, 20000, [0.1, 0.5], [10000]));
    expect(at[0]).toBeGreaterThanOrEqual(10000);
    expect(at[0] - 10000).toBeLessThan(1000);
  });

  it('Page-Hinkley detects a jump of the mean within 100 items', () => {
    const x = errorStream(5, 4000, [0.1, 0.9], [2000]).map((v, i) => v + (i >= 2000 ? 1 : 0));
    const at = detect(new PageHinkley(), x);
    expect(at.filter((i) => i >= 2000)[0] - 2000).toBeLessThan(100);
  });

  it("Strata's default detectors stay silent on stationary streams of 100,000 items", () => {
    for (const rate of [0.02, 0.1, 0.3]) {
      for (const seed of [11, 12, 13]) {
        const x = errorStream(seed, 100000, [rate]);
        for (const name of DEFAULT_DETECTORS as DetectorName[]) {
          expect(detect(makeDetector(name), x), `${name} at ${rate}, seed ${seed}`).toEqual([]);
        }
      }
    }
  });
});
