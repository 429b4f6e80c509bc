// Validation of 1,000,000 rows x 20 columns (15 numeric, 5 categorical) against 60 rules, beside
// Debian's pandas doing the same checks (read the CSV, count each rule's failing rows, keep the first
// 5 failing row numbers of each failing rule), both on a warm page cache. Also: the same data as
// Parquet, re-validation of an unchanged version (the stored report), peak memory (RSS, which
// includes DuckDB's native memory), and the size of the HTML report of a 10,000,000-row version.
//   STRATA_BENCH_ROWS=1000000 STRATA_BENCH_BIG_ROWS=10000000 node --import tsx test/bench/validation.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figure, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { recordVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');
const { validateVersion } =
  await engineModule<typeof import('../../electron/core/validation/run.js')>('validation/run.js');
const { loadValidations } =
  await engineModule<typeof import('../../electron/core/validation/rules.js')>('validation/rules.js');
const { query } = await engineModule<typeof import('../../electron/core/stats/duck.js')>('stats/duck.js');

const ROWS = size('STRATA_BENCH_ROWS', 1_000_000, 50_000);
const BIG_ROWS = size('STRATA_BENCH_BIG_ROWS', 10_000_000, 200_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-validation-'));
const CATS = ['north', 'south', 'east', 'west', 'center'];

/** Deterministic data with a few violations: missing n0 values, out-of-range n1, an unknown c0. */
function writeCsv(file: string): void {
  const fd = fs.openSync(file, 'w');
  const header = [
    ...Array.from({ length: 15 }, (_, i) => `n${i}`),
    ...Array.from({ length: 5 }, (_, i) => `c${i}`),
  ];
  let buf = header.join(',') + '\n';
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let r = 0; r < ROWS; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 15; i++) {
      let v = (i + (rand() - 0.5) * 10 * (1 + i)).toFixed(3);
      if (i === 0 && r % 10_000 === 7) v = '';
      if (i === 1 && r % 50_000 === 11) v = '999';
      cells.push(v);
    }
    for (let i = 0; i < 5; i++)
      cells.push(i === 0 && r % 100_000 === 13 ? 'nowhere' : CATS[Math.floor(rand() * 5)]);
    buf += cells.join(',') + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

// 60 rules: per numeric column not_null, a range and bounds on its mean; per categorical column
// not_null, allowed values and a regex.
const rules: string[] = [];
for (let i = 0; i < 15; i++)
  rules.push(
    `      - { column: n${i}, not_null: true }`,
    `      - { column: n${i}, min: ${i - 6 * (1 + i)}, max: ${i + 6 * (1 + i)} }`,
    `      - { column: n${i}, mean: { min: ${i - 1}, max: ${i + 1} } }`,
  );
for (let i = 0; i < 5; i++)
  rules.push(
    `      - { column: c${i}, not_null: true }`,
    `      - { column: c${i}, allowed: [${CATS.join(', ')}] }`,
    `      - { column: c${i}, regex: '^[a-z]+$' }`,
  );

const pandas = `
import sys, time, json
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
cats = ${JSON.stringify(CATS)}
out = []
def rule(mask):
    n = int(mask.sum())
    out.append((n, [int(i) + 1 for i in mask[mask].index[:5]] if n else []))
for i in range(15):
    c = df[f"n{i}"]
    rule(c.isna())
    lo, hi = i - 6 * (1 + i), i + 6 * (1 + i)
    rule(c.notna() & ((c < lo) | (c > hi)))
    m = c.mean(); out.append((0 if i - 1 <= m <= i + 1 else 1, []))
for i in range(5):
    c = df[f"c{i}"]
    rule(c.isna())
    rule(c.notna() & ~c.isin(cats))
    rule(c.notna() & ~c.astype(str).str.contains(r"^[a-z]+$", regex=True))
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rules": len(out), "failing": [n for n, _ in out]}))
`;

function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return fn().then(
    (result) => {
      clearInterval(timer);
      return { result, peakMb: Math.max(peak, process.memoryUsage().rss) / 1e6 };
    },
    (err) => {
      clearInterval(timer);
      throw err;
    },
  );
}

try {
  fs.mkdirSync(path.join(root, 'data'));
  const csv = path.join(root, 'data', 'big.csv');
  writeCsv(csv);
  await query(
    `COPY (SELECT * FROM read_csv('${csv}')) TO '${path.join(root, 'data', 'big.parquet')}' (FORMAT parquet)`,
  );
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    `artifacts:\n  big: { path: data/big.csv, kind: dataset }\n  bigpq: { path: data/big.parquet, kind: dataset }\nstages: {}\nvalidations:\n  big:\n    rules:\n${rules.join('\n')}\n  bigpq:\n    rules:\n${rules.join('\n')}\n`,
  );
  const project = Project.init(root);
  const vCsv = await recordVersion(project, { path: 'data/big.csv', kind: 'dataset', source: 'manual' });
  const vPq = await recordVersion(project, { path: 'data/big.parquet', kind: 'dataset', source: 'manual' });
  const { versionById } =
    await engineModule<typeof import('../../electron/core/store/repo.js')>('store/repo.js');
  const [eCsv, ePq] = await loadValidations(project);
  if (eCsv.rules.length !== 60) throw new Error(`expected 60 rules, have ${eCsv.rules.length}`);
  execFileSync('sync');
  // Warm the page cache for both readers.
  fs.readFileSync(csv);

  const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', pandas, csv], { encoding: 'utf8' })) as {
    seconds: number;
    failing: number[];
  };
  const { result: report, peakMb } = await peakRss(() =>
    validateVersion(project, eCsv, versionById(project, vCsv.id), true),
  );
  const ours = report.durationMs / 1000;
  const failing = report.files[0].checks.map((c) => c.failing);
  // Same checks, same answers: otherwise the comparison would be of different work.
  if (JSON.stringify(failing) !== JSON.stringify(py.failing))
    throw new Error(
      `pandas and Strata disagree: ${JSON.stringify(py.failing)} vs ${JSON.stringify(failing)}`,
    );
  const pq = await validateVersion(project, ePq, versionById(project, vPq.id), true);
  const t = process.hrtime.bigint();
  const again = await validateVersion(project, eCsv, versionById(project, vCsv.id));
  const cachedMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (!again.cached) throw new Error('re-validation did not return the stored report');

  const label = `${ROWS.toLocaleString('en-US')} rows x 20 columns, 60 rules`;
  figure({
    name: `validate CSV, ${label}`,
    value: ours,
    unit: 's',
    comparator: { label: 'pandas 1.5 (Debian) read_csv + the same 60 checks', value: py.seconds },
    targets: [
      { on: 'value', op: '<=', limit: 1.5 },
      { on: 'ratio', op: '<=', limit: 1 / 1.5 },
    ],
  });
  figure({
    name: `validate Parquet, ${label}`,
    value: pq.durationMs / 1000,
    unit: 's',
    comparator: { label: 'the same data as CSV', value: ours },
    targets: [{ on: 'ratio', op: '<=', limit: 1 }],
  });
  figure({
    name: 're-validate an unchanged version (stored report)',
    value: cachedMs,
    unit: 'ms',
    targets: [{ on: 'value', op: '<=', limit: 50 }],
  });
  figure({
    name: `peak memory (RSS) validating the CSV`,
    value: peakMb,
    unit: 'MB',
    targets: [{ on: 'value', op: '<=', limit: 1024 }],
  });

  // The report of a 10M-row version (written straight to Parquet by DuckDB): its HTML, profiles
  // included, stays small because everything in it is bounded (bins, top values, 5 rows a check).
  const { entryProfiles } =
    await engineModule<typeof import('../../electron/core/validation/views.js')>('validation/views.js');
  const { validationHtml } =
    await engineModule<typeof import('../../electron/core/validation/html.js')>('validation/html.js');
  await query(
    `COPY (SELECT i AS id, random() * 100 AS x, (i % 7)::VARCHAR AS c, CASE WHEN i % 1000 = 0 THEN NULL ELSE random() END AS y
     FROM range(${BIG_ROWS}) t(i)) TO '${path.join(root, 'data', 'ten.parquet')}' (FORMAT parquet)`,
  );
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    fs
      .readFileSync(path.join(root, 'strata.yaml'), 'utf8')
      .replace('stages: {}', '  ten: { path: data/ten.parquet, kind: dataset }\nstages: {}') +
      "  ten:\n    rules:\n      - { column: x, max: 99 }\n      - { column: y, not_null: true }\n      - { column: c, allowed: ['0', '1', '2'] }\n",
  );
  project.reloadConfig();
  const vTen = await recordVersion(project, { path: 'data/ten.parquet', kind: 'dataset', source: 'manual' });
  const eTen = (await loadValidations(project)).find((e) => e.name === 'ten')!;
  const tenReport = await validateVersion(project, eTen, versionById(project, vTen.id), true);
  const html = validationHtml(tenReport, await entryProfiles(project, 'ten', vTen.version));
  figure({
    name: `HTML report of a ${BIG_ROWS.toLocaleString('en-US')}-row version, profiles included`,
    value: Buffer.byteLength(html) / 1e6,
    unit: 'MB',
    targets: [{ on: 'value', op: '<=', limit: 5 }],
  });
  project.close();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
