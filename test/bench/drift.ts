// Drift statistics (issue 12), side by side with pandas + scipy (Debian's python3-scipy):
//  1. reference 1,000,000 rows vs current 1,000,000 rows, 20 columns (15 numeric, 5 categorical), every
//     statistic (KS with p-value, Wasserstein-1 raw and normalised, PSI, overlay histogram for numbers;
//     counts, chi-square, Jensen–Shannon, PSI, new/vanished categories for categories; missing shares)
//     from in-memory columns on both sides (loading the files is timed on neither side), one thread
//     each: target ≤ 2.5 s and ≥ 1.5× faster than pandas + scipy;
//  2. a new window of 10,000 rows against the stored reference profile: target ≤ 100 ms;
//  3. DDM, EDDM, ADWIN and Page-Hinkley over 1,000,000 errors against per-item Python loops of the same
//     detectors: target ≥ 10× faster.
//   npm run bench -- drift
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figure, note, size } from './report.js';
import { engineModule } from './versioning-engine.js';
import { categories, errorStream, normals } from '../helpers/drift-data.js';
import type { Table } from '../../electron/core/drift/table.js';

const { profileTable, writeProfile, readProfile } =
  await engineModule<typeof import('../../electron/core/drift/profile.js')>('drift/profile.js');
const { compareProfiles } =
  await engineModule<typeof import('../../electron/core/drift/compare.js')>('drift/compare.js');
const { compareTables } =
  await engineModule<typeof import('../../electron/core/drift/parallel.js')>('drift/parallel.js');
const { makeDetector, detect } =
  await engineModule<typeof import('../../electron/core/drift/detectors.js')>('drift/detectors.js');

const ROWS = size('STRATA_BENCH_DRIFT_ROWS', 1_000_000, 50_000);
const RUNS = 2;
const PY = '/usr/bin/python3';
const here = path.dirname(new URL(import.meta.url).pathname);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-drift-'));
const DICT = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

function table(seed: number, current: boolean): Table {
  // The current side has a shift in three numeric columns and a new category in one categorical.
  return {
    rows: ROWS,
    columns: [
      ...Array.from({ length: 15 }, (_, i) => {
        const values = normals(seed * 100 + i, ROWS, current && i < 3 ? 0.1 * (i + 1) : 0, 1 + i / 10);
        // Some missing values, as real columns have.
        for (let k = i; k < ROWS; k += 97) values[k] = NaN;
        let missing = 0;
        for (const v of values) if (Number.isNaN(v)) missing++;
        return { name: `num${i}`, kind: 'numeric' as const, values, missing };
      }),
      ...Array.from({ length: 5 }, (_, i) => ({
        name: `cat${i}`,
        kind: 'categorical' as const,
        codes: categories(
          seed * 100 + 50 + i,
          ROWS,
          current && i === 0 ? [5, 3, 2, 1, 1, 0.5, 0.7] : [5, 3, 2, 1, 1, 0.5, 0],
        ),
        dict: DICT,
        missing: 0,
        mixed: false,
      })),
    ],
  };
}

function writeSide(side: string, t: Table): void {
  for (const c of t.columns) {
    const data = c.kind === 'numeric' ? c.values : c.codes;
    fs.writeFileSync(
      path.join(dir, `${side}-${c.name}.${c.kind === 'numeric' ? 'f64' : 'i32'}`),
      new Uint8Array(data.buffer),
    );
  }
}

const best = <T>(fn: () => T): { seconds: number; value: T } => {
  let seconds = Infinity;
  let value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    value = fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t) / 1e9);
    sampleRss();
  }
  return { seconds, value };
};

function python(script: string, ...args: string[]): Record<string, unknown> {
  const r = spawnSync(PY, [path.join(here, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

try {
  const ref = table(1, false);
  const cur = table(2, true);
  writeSide('ref', ref);
  writeSide('cur', cur);
  fs.writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({
      numeric: ref.columns.slice(0, 15).map((c) => c.name),
      categorical: ref.columns.slice(15).map((c) => c.name),
      dict: DICT,
    }),
  );
  sampleRss();
  note(
    `${ROWS.toLocaleString('en-US')} rows × 20 columns per side; ${os.cpus().length} cores; load average ${os.loadavg()[0].toFixed(1)}`,
  );

  const ours = best(() =>
    compareProfiles(profileTable(ref), profileTable(cur), { reference: 'ref', current: 'cur' }),
  );
  const py = python('drift_pandas_scipy.py', dir, String(RUNS)) as { seconds: number; peak_rss_mb: number };
  figure({
    name: `every statistic, ${ROWS.toLocaleString('en-US')} vs ${ROWS.toLocaleString('en-US')} rows × 20 columns (one thread)`,
    value: ours.seconds,
    unit: 's',
    comparator: { label: 'pandas + scipy, the same statistics (one thread)', value: py.seconds },
    targets: [{ on: 'ratio', op: '<=', limit: 1 / 1.5 }],
  });
  // The engine's path for two tables read in full (strata drift, first time): columns shared out to
  // worker threads; the comparator stays on one thread (scipy's functions have none to use here).
  let threaded = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await compareTables(ref, cur, { reference: 'ref', current: 'cur' });
    threaded = Math.min(threaded, Number(process.hrtime.bigint() - t) / 1e9);
    sampleRss();
  }
  figure({
    name: `every statistic, ${ROWS.toLocaleString('en-US')} vs ${ROWS.toLocaleString('en-US')} rows × 20 columns (worker threads, ${os.availableParallelism()} cores)`,
    value: threaded,
    unit: 's',
    comparator: { label: 'pandas + scipy, the same statistics (one thread)', value: py.seconds },
    targets: [
      { on: 'value', op: '<=', limit: 2.5 },
      { on: 'ratio', op: '<=', limit: 1 / 1.5 },
    ],
  });
  note(
    `drifted columns: ${ours.value.columns
      .filter((c) => c.status === 'drift')
      .map((c) => c.name)
      .join(', ')}`,
  );

  // A new window against the reference profile as a monitor keeps it: on disk, read once per run.
  const profileFile = path.join(dir, 'reference.profile');
  writeProfile(profileFile, profileTable(ref));
  const window = table(3, true);
  for (const c of window.columns) {
    if (c.kind === 'numeric') c.values = c.values.slice(0, 10_000);
    else c.codes = c.codes.slice(0, 10_000);
  }
  window.rows = 10_000;
  const loaded = readProfile(profileFile)!;
  const warm = best(() =>
    compareProfiles(loaded, profileTable(window), { reference: 'ref', current: 'window' }),
  );
  const cold = best(() =>
    compareProfiles(readProfile(profileFile)!, profileTable(window), { reference: 'ref', current: 'window' }),
  );
  figure({
    name: 'a 10,000-row window against the stored reference (profile in memory)',
    value: warm.seconds * 1000,
    unit: 'ms',
    targets: [{ on: 'value', op: '<=', limit: 100 }],
  });
  note(`the same with the reference profile read from disk first: ${(cold.seconds * 1000).toFixed(0)} ms`);

  const errors = errorStream(4, 1_000_000, [0.1, 0.3], [600_000]);
  fs.writeFileSync(path.join(dir, 'errors.f64'), new Uint8Array(errors.buffer));
  const names = ['ddm', 'eddm', 'adwin', 'page_hinkley'] as const;
  const js = Object.fromEntries(names.map((n) => [n, best(() => detect(makeDetector(n), errors))]));
  const pyDet = python('drift_detectors.py', path.join(dir, 'errors.f64')) as Record<
    string,
    { seconds: number; detections: number[] }
  >;
  for (const n of names) {
    const same = JSON.stringify(js[n].value) === JSON.stringify(pyDet[n].detections);
    note(
      `${n}: ${js[n].value.length} detections, ${same ? 'the same as' : 'DIFFERENT from'} the Python loop's`,
    );
  }
  const total = names.reduce((s, n) => s + js[n].seconds, 0);
  const pyTotal = names.reduce((s, n) => s + pyDet[n].seconds, 0);
  figure({
    name: 'DDM + EDDM + ADWIN + Page-Hinkley over 1,000,000 errors',
    value: total,
    unit: 's',
    comparator: { label: 'per-item Python loops of the same detectors', value: pyTotal },
    targets: [{ on: 'ratio', op: '<=', limit: 0.1 }],
  });
  note(
    names
      .map(
        (n) => `${n} ${(js[n].seconds * 1000).toFixed(0)} ms vs ${(pyDet[n].seconds * 1000).toFixed(0)} ms`,
      )
      .join('; '),
  );
  figure({
    name: 'peak memory (RSS), Strata',
    value: peakRss / 2 ** 20,
    unit: 'MB',
    comparator: { label: 'pandas + scipy process', value: py.peak_rss_mb },
    targets: [{ on: 'value', op: '<=', limit: 1536 }],
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
