import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareProfiles } from '../../electron/core/drift/compare.js';
import { compareTables } from '../../electron/core/drift/parallel.js';
import { profileTable } from '../../electron/core/drift/profile.js';
import type { Table } from '../../electron/core/drift/table.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { categories, normals } from '../helpers/drift-data.js';

const N = 1_000_000;

function table(seed: number, shift: number, newCategoryShare: number): Table {
  // Categories a/b/c at 50/30/20%; the new category "z" takes its share from all of them alike.
  const weights = newCategoryShare
    ? [5, 3, 2].map((w) => w * (1 - newCategoryShare)).concat(10 * newCategoryShare)
    : [5, 3, 2];
  return {
    rows: N,
    columns: [
      { name: 'x', kind: 'numeric', values: normals(seed, N, shift), missing: 0 },
      { name: 'y', kind: 'numeric', values: normals(seed + 1, N), missing: 0 },
      {
        name: 'c',
        kind: 'categorical',
        codes: categories(seed + 2, N, weights),
        dict: ['a', 'b', 'c', 'z'],
        missing: 0,
        mixed: false,
      },
    ],
  };
}

describe('defaults on 1,000,000 rows', () => {
  const reference = profileTable(table(1, 0, 0));
  const labels = { reference: 'ref', current: 'cur' };

  it('no shift: no alert', () => {
    const r = compareProfiles(reference, profileTable(table(10, 0, 0)), labels);
    expect(r.alert).toBe(false);
    expect(r.columns.every((c) => c.status === 'ok')).toBe(true);
    expect(r.columns.map((c) => c.verdict!.method)).toEqual([
      'wasserstein_1',
      'wasserstein_1',
      'jensen_shannon',
    ]);
  });

  it('a mean shift of 0.25 std alerts on that column only', () => {
    const r = compareProfiles(reference, profileTable(table(20, 0.25, 0)), labels);
    expect(r.alert).toBe(true);
    expect(r.columns.filter((c) => c.status === 'drift').map((c) => c.name)).toEqual(['x']);
    expect(r.columns[0].wasserstein!.normalised).toBeCloseTo(0.25, 2);
  });

  it('a new category at 5% alerts and is named', () => {
    const r = compareProfiles(reference, profileTable(table(30, 0, 0.05)), labels);
    expect(r.alert).toBe(true);
    const c = r.columns.find((x) => x.name === 'c')!;
    expect(c.status).toBe('drift');
    expect(c.newCategories).toEqual(['z']);
    expect(r.columns.filter((x) => x.status === 'drift').map((x) => x.name)).toEqual(['c']);
  });
});

describe('large tables on worker threads', () => {
  it('give the report and profiles one thread gives', async () => {
    const ref = table(1, 0, 0);
    const cur = table(40, 0.25, 0.05);
    const labels = { reference: 'ref', current: 'cur' };
    const threaded = await compareTables(ref, cur, labels);
    const single = compareProfiles(profileTable(ref), profileTable(cur), labels);
    expect(threaded.report.columns).toEqual(single.columns);
    expect(threaded.report.drifted).toBe(2);
    // The profiles come back whole, for the cache: the same bytes as one thread sorts.
    const want = profileTable(ref);
    expect(threaded.reference.columns.map((c) => c.name)).toEqual(want.columns.map((c) => c.name));
    want.columns.forEach((w, i) => {
      const got = threaded.reference.columns[i];
      if (w.kind === 'numeric' && got.kind === 'numeric')
        expect(
          Buffer.from(got.sorted.buffer, got.sorted.byteOffset, got.sorted.byteLength).equals(
            Buffer.from(w.sorted.buffer, w.sorted.byteOffset, w.sorted.byteLength),
          ),
        ).toBe(true);
      else expect(got).toEqual(w);
    });
  });
});

describe('bad input', () => {
  it('missing, constant, all-missing and mixed columns give statuses and messages, not crashes', () => {
    const n = 500;
    const ref: Table = {
      rows: n,
      columns: [
        { name: 'gone', kind: 'numeric', values: normals(1, n), missing: 0 },
        { name: 'const', kind: 'numeric', values: new Float64Array(n).fill(3), missing: 0 },
        { name: 'empty', kind: 'numeric', values: new Float64Array(n).fill(NaN), missing: n },
        { name: 'mix', kind: 'numeric', values: normals(2, n), missing: 0 },
      ],
    };
    const cur: Table = {
      rows: n,
      columns: [
        { name: 'const', kind: 'numeric', values: new Float64Array(n).fill(3), missing: 0 },
        { name: 'empty', kind: 'numeric', values: normals(3, n), missing: 0 },
        {
          name: 'mix',
          kind: 'categorical',
          codes: new Int32Array(n).map((_, i) => i % 2),
          dict: ['1.5', 'text'],
          missing: 0,
          mixed: true,
        },
        { name: 'new', kind: 'numeric', values: normals(4, n), missing: 0 },
      ],
    };
    const r = compareProfiles(profileTable(ref), profileTable(cur), { reference: 'a', current: 'b' });
    const by = Object.fromEntries(r.columns.map((c) => [c.name, c]));
    expect(by.gone.status).toBe('missing_in_current');
    expect(by.new.status).toBe('missing_in_reference');
    expect(by.const.status).toBe('ok');
    expect(by.const.wasserstein!.normalised).toBe(0);
    expect(by.empty.status).toBe('empty');
    expect(by.mix.kind).toBe('categorical');
    expect(by.mix.mixed).toBe(true);
    for (const c of r.columns) if (c.status !== 'ok') expect(c.message).toBeTruthy();
  });
});

describe('strata drift', () => {
  it('compares two dataset versions; exit 1 on dataset drift, 0 without; --json names every statistic', () => {
    const t = tempDir();
    try {
      const root = t.dir;
      const write = (shift: number) => {
        const x = normals(shift ? 7 : 5, 3000, shift);
        const y = normals(shift ? 8 : 6, 3000, shift);
        fs.writeFileSync(
          path.join(root, 'data.csv'),
          ['x,y', ...Array.from(x, (v, i) => `${v},${y[i]}`)].join('\n') + '\n',
        );
      };
      expect(runCli(['init', root]).code).toBe(0);
      write(0);
      expect(runCli(['add', 'data.csv', '--kind', 'dataset', '--project', root]).code).toBe(0);
      write(0.5);
      expect(runCli(['add', 'data.csv', '--kind', 'dataset', '--project', root]).code).toBe(0);
      // A comparison of some columns leaves no profile behind that a full one would take for whole.
      expect(runCli(['drift', 'data@1', 'data@2', '--columns', 'x', '--project', root]).code).toBe(1);
      const drift = runCli(['drift', 'data@1', 'data@2', '--json', '--project', root]);
      expect(drift.code, drift.stderr).toBe(1);
      const report = JSON.parse(drift.stdout);
      expect(report.datasetDrift).toBe(true);
      expect(report.columns.map((c: { name: string }) => c.name)).toEqual(['x', 'y']);
      expect(report.columns[0].ks).toMatchObject({ method: 'ks_2samp', mode: 'exact' });
      expect(report.columns[0].wasserstein.method).toBe('wasserstein_1');
      expect(report.columns[0].psi).toMatchObject({
        method: 'psi',
        binning: 'reference_deciles',
        epsilon: 1e-4,
      });
      const same = runCli(['drift', 'data@1', 'data@1', '--columns', 'x', '--project', root]);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toMatch(/0 of 1 columns drifted/);
      const bad = runCli(['drift', 'data@1', 'nothing.csv', '--project', root]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/neither an artifact of this project nor a file/);
    } finally {
      t.cleanup();
    }
  });

  it('a model version as the reference stands for the dataset its training run read (lineage)', () => {
    const t = tempDir();
    try {
      const root = path.join(t.dir, 'p');
      fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), root, { recursive: true });
      const run = runCli(['run', '--project', root]);
      expect(run.code, run.stderr).toBe(0);
      const r = runCli(['drift', 'model@latest', 'prepared@latest', '--json', '--project', root]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).reference.label).toBe('prepared@1');
      // A monitor without a reference compares with the training data of the model its logs name.
      const [head, ...lines] = fs
        .readFileSync(path.join(root, 'data', 'prepared', 'train.csv'), 'utf8')
        .trim()
        .split('\n');
      const cols = head.split(',');
      fs.mkdirSync(path.join(root, 'logs'));
      const log = path.join(root, 'logs', 'p.jsonl');
      fs.writeFileSync(
        log,
        lines
          .slice(0, 200)
          .map((l) =>
            JSON.stringify({
              model: 'model',
              version: 1,
              ...Object.fromEntries(l.split(',').map((v, i) => [cols[i], Number(v)])),
            }),
          )
          .join('\n') + '\n',
      );
      const past = new Date(Date.now() - 60_000);
      fs.utimesSync(log, past, past);
      fs.appendFileSync(
        path.join(root, 'strata.yaml'),
        '\nmonitors:\n  served:\n    logs: logs\n    window: { rows: 100 }\n',
      );
      const mon = runCli(['monitor', 'served', '--json', '--project', root]);
      expect(mon.stderr).toBe('');
      const state = JSON.parse(mon.stdout);
      expect(
        state.windows.map((w: { report: { reference: { label: string } } }) => w.report.reference.label),
      ).toEqual(['prepared@1', 'prepared@1']);
      // A model recorded by hand has no lineage: the reference must be named.
      fs.writeFileSync(path.join(root, 'other-model.json'), '{}');
      expect(runCli(['add', 'other-model.json', '--kind', 'model', '--project', root]).code).toBe(0);
      const none = runCli(['drift', 'other-model', 'prepared@latest', '--project', root]);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toMatch(/no training data in its lineage.*name the reference dataset/);
    } finally {
      t.cleanup();
    }
  });
});
