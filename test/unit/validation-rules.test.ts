import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { resolveRef } from '../../electron/core/store/repo.js';
import { validateVersion } from '../../electron/core/validation/run.js';
import { loadValidations } from '../../electron/core/validation/rules.js';
import { query } from '../../electron/core/stats/duck.js';
import type { CheckResult, ValidationReport } from '../../shared/api/validation.js';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;

/** A fresh project with this strata.yaml and these files, each recorded as a dataset version in order. */
async function project(yaml: string, versions: Record<string, string | Buffer>[]): Promise<Project> {
  const root = path.join(t.dir, `p${++n}`);
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'strata.yaml'), `artifacts: {}\nstages: {}\n${yaml}`);
  const p = Project.init(root);
  for (const files of versions) {
    for (const [rel, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), data);
    }
    const target = Object.keys(files)[0].split('/')[0];
    await recordVersion(p, { path: target, kind: 'dataset', name: 'd', source: 'manual' });
  }
  return p;
}

async function validate(
  p: Project,
  version: number | string = 'latest',
  force = false,
): Promise<ValidationReport> {
  const [entry] = await loadValidations(p);
  return validateVersion(p, entry, resolveRef(p, entry.artifact, String(version)), force);
}

const checks = (r: ValidationReport): CheckResult[] => r.files.flatMap((f) => f.checks);
const byLabel = (r: ValidationReport, label: string) => {
  const c = checks(r).find((x) => x.label.startsWith(label));
  if (!c)
    throw new Error(
      `no check ${label} in ${checks(r)
        .map((x) => x.label)
        .join(' | ')}`,
    );
  return c;
};
const rows = (c: CheckResult) => c.samples.map((s) => s.row);

const CSV = [
  'id,age,region,email,when',
  '1,30,north,a@x.io,2024-01-02',
  '2,-4,south,bad,2024-01-03',
  '3,,east,c@x.io,yesterday',
  '3,40.5,north,dddddddddddddddddddddd@x.io,2024-01-05',
  '5,30,north,a@x.io,2024-01-06',
  '5,30,north,a@x.io,2024-01-06',
].join('\n');

describe('validation rules', () => {
  it('counts every row rule exactly and names the failing rows', async () => {
    const p = await project(
      `validations:
  d:
    columns: [id, age, region, email]
    rules:
      - { column: id, unique: true }
      - { column: age, type: integer }
      - { column: age, type: number }
      - { column: when, type: date }
      - { column: region, type: string }
      - { column: age, not_null: true, severity: warn }
      - { column: age, min: 0, max: 120 }
      - { column: region, allowed: [north, south] }
      - { column: age, allowed: [30, 40.5] }
      - { column: email, regex: '^[^@]+@[^@]+$' }
      - { column: email, length: { max: 20 } }
      - { row_count: { min: 3, max: 5 } }
      - { duplicates: { max: 0 } }
      - { column: age, max_null_share: 0.1 }
      - { unique: [region, age] }
      - { column: age, mean: { min: 20, max: 30 } }
      - { column: age, std: { max: 1 } }
      - { column: age, quantile: { q: 0.5, min: 29, max: 31 } }
`,
      [{ 'd.csv': CSV }],
    );
    try {
      const r = await validate(p);
      const expectCheck = (label: string, status: string, failing: number, sampleRows: number[]) => {
        const c = byLabel(r, label);
        expect({ label, status: c.status, failing: c.failing, rows: rows(c) }).toEqual({
          label,
          status,
          failing,
          rows: sampleRows,
        });
      };
      expect(r.files[0].rows).toBe(6);
      expectCheck('columns', 'pass', 0, []);
      expectCheck('id is unique', 'fail', 2, [3, 4, 5, 6]);
      expectCheck('age is integer', 'fail', 1, [4]);
      expectCheck('age is number', 'pass', 0, []);
      expectCheck('when is date', 'fail', 1, [3]);
      expectCheck('region is string', 'pass', 0, []);
      expectCheck('age is never empty', 'fail', 1, [3]);
      expect(byLabel(r, 'age is never empty').severity).toBe('warn');
      expectCheck('age between 0 and 120', 'fail', 1, [2]);
      expectCheck('region in', 'fail', 1, [3]);
      expectCheck('age in', 'fail', 1, [2]);
      expectCheck('email matches', 'fail', 1, [2]);
      expectCheck('length of email', 'fail', 1, [4]);
      expectCheck('row count', 'fail', 1, []);
      expect(byLabel(r, 'row count').observed).toBe(6);
      expectCheck('at most 0 duplicated rows', 'fail', 1, [5, 6]);
      expectCheck('age empty in at most 10%', 'fail', 1, [3]);
      expectCheck('(region, age) is unique', 'fail', 2, [1, 5, 6]);
      // mean of 30, -4, 40.5, 30, 30 = 25.3; the empty cell is not a value
      expect(byLabel(r, 'mean of age').observed).toBeCloseTo(25.3, 10);
      expectCheck('mean of age', 'pass', 0, []);
      expectCheck('std of age', 'fail', 1, []);
      expect(byLabel(r, 'quantile 0.5 of age').observed).toBe(30);
      expect(byLabel(r, 'id is unique').samples[0].values).toEqual({ id: 3 });
      expect(byLabel(r, 'email matches').samples[0].values).toEqual({ email: 'bad' });
      expect(r.status).toBe('fail');
      expect(r.counts).toEqual({ passed: 5, warned: 1, failed: 13, skipped: 0, errors: 0 });
    } finally {
      p.close();
    }
  });

  it('passes clean data, and a failing warn rule alone makes the report warn, not fail', async () => {
    const p = await project(
      `validations:
  d:
    rules:
      - { column: a, not_null: true }
      - { column: b, not_null: true, severity: warn }
`,
      [{ 'd.csv': 'a,b\n1,\n2,x\n' }],
    );
    try {
      const r = await validate(p);
      expect(r.status).toBe('warn');
      expect(r.counts).toMatchObject({ passed: 1, warned: 1, failed: 0 });
    } finally {
      p.close();
    }
  });

  it('returns the stored report for the same content and rules, and checks again when the rules change', async () => {
    const p = await project(`validations:\n  d:\n    rules:\n      - { column: a, min: 0 }\n`, [
      { 'd.csv': 'a\n1\n-1\n' },
    ]);
    try {
      const first = await validate(p);
      expect(first.cached).toBe(false);
      const again = await validate(p);
      expect(again.cached).toBe(true);
      expect(again.id).toBe(first.id);
      expect(checks(again)[0].failing).toBe(1);
      fs.writeFileSync(
        path.join(p.root, 'strata.yaml'),
        `artifacts: {}\nstages: {}\nvalidations:\n  d:\n    rules:\n      - { column: a, min: -5 }\n`,
      );
      p.reloadConfig();
      const changed = await validate(p);
      expect(changed.cached).toBe(false);
      expect(changed.status).toBe('pass');
    } finally {
      p.close();
    }
  });

  it('compares with the previous version: row count band, mean band and PSI drift; the first version skips them', async () => {
    const gen = (shift: number, count: number) =>
      'x,c\n' +
      Array.from({ length: count }, (_, i) => `${(i % 100) + shift},${i % 2 ? 'a' : 'b'}`).join('\n') +
      '\n';
    const p = await project(
      `validations:
  d:
    rules:
      - { row_count: { within_pct: 10 } }
      - { column: x, mean: { within_pct: 5 } }
      - { column: x, drift: { psi: 0.2 } }
      - { column: c, drift: { psi: 0.2 } }
`,
      [{ 'd.csv': gen(0, 1000) }, { 'd.csv': gen(1, 1050) }, { 'd.csv': gen(60, 2000) }],
    );
    try {
      const first = await validate(p, 1);
      expect(checks(first).map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
      expect(checks(first)[0].message).toMatch(/first version/);
      const second = await validate(p, 2);
      expect(second.reference).toBe(1);
      expect(checks(second).map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
      const third = await validate(p, 3);
      expect(third.reference).toBe(2);
      expect(checks(third).map((c) => [c.kind, c.status])).toEqual([
        ['row_count', 'fail'],
        ['mean', 'fail'],
        ['drift', 'fail'],
        ['drift', 'pass'],
      ]);
      expect(checks(third)[2].observed as number).toBeGreaterThan(1);
    } finally {
      p.close();
    }
  });

  it('reads JSONL and Parquet, and applies file rules and an include glob to a folder', async () => {
    const root = path.join(t.dir, 'pq');
    fs.mkdirSync(root);
    const pq = path.join(root, 'x.parquet');
    await query(
      `COPY (SELECT i AS a, CASE WHEN i = 7 THEN NULL ELSE 'v' END AS b FROM range(10) t(i)) TO '${pq}' (FORMAT parquet)`,
    );
    const p = await project(
      `validations:
  d:
    include: "**/*.{parquet,jsonl}"
    rules:
      - { column: b, not_null: true }
      - { file_count: { min: 3 } }
      - { extensions: [parquet, jsonl, csv] }
      - { required_files: [labels.csv, x.parquet] }
      - { file_size: { max: 10000 } }
`,
      [
        {
          'data/x.parquet': fs.readFileSync(pq),
          'data/y.jsonl': '{"a":1,"b":"v"}\n{"a":2}\n',
          'data/readme.txt': 'hi',
        },
      ],
    );
    try {
      // Braces are not glob syntax here: only files named literally match, so nothing does.
      const none = await validate(p);
      expect(none.status).toBe('error');
      fs.writeFileSync(
        path.join(p.root, 'strata.yaml'),
        fs.readFileSync(path.join(p.root, 'strata.yaml'), 'utf8').replace('"**/*.{parquet,jsonl}"', '"*"'),
      );
      p.reloadConfig();
      const r = await validate(p);
      const files = Object.fromEntries(r.files.map((f) => [f.path, f]));
      expect(files['x.parquet'].checks[0]).toMatchObject({
        failing: 1,
        samples: [{ row: 8, values: { b: null } }],
      });
      expect(files['y.jsonl'].checks[0]).toMatchObject({ failing: 1, samples: [{ row: 2 }] });
      expect(r.fileChecks.map((c) => [c.kind, c.status, c.failing])).toEqual([
        ['file_count', 'pass', 0],
        ['extensions', 'fail', 1],
        ['required_files', 'fail', 1],
        ['file_size', 'pass', 0],
      ]);
      expect(r.fileChecks[1].samples[0].values).toEqual({ path: 'readme.txt' });
      expect(r.fileChecks[2].message).toBe('missing labels.csv');
    } finally {
      p.close();
    }
  });
});

describe('validation of bad input', () => {
  const rule = `validations:\n  d:\n    rules:\n      - { column: a, not_null: true }\n`;
  const fileError = async (data: string | Buffer) => {
    const p = await project(rule, [{ 'd.csv': data }]);
    try {
      const r = await validate(p);
      expect(r.status).toBe('error');
      return r.files[0].error!;
    } finally {
      p.close();
    }
  };

  it('explains a ragged row, non-UTF-8 text, an overlong line, duplicate names and an empty file', async () => {
    expect(await fileError('a,b\n1,2\n3,4,5\n')).toMatch(
      /^d\.csv: .*CSV Error on Line: 3 .*Expected Number of Columns: 2 Found: 3$/,
    );
    expect(await fileError(Buffer.from('a,b\n1,caf\xe9\n', 'latin1'))).toMatch(/d\.csv: .*(unicode|UTF-8)/i);
    expect(await fileError('a,b\n1,' + 'x'.repeat(20 * 1024 * 1024) + '\n')).toMatch(/d\.csv: .*line size/i);
    expect(await fileError('a,b,a\n1,2,3\n')).toBe(
      'd.csv: duplicate column names in the header: "a" (columns 1 and 3)',
    );
    expect(await fileError('')).toMatch(/empty/);
  });

  it('checks a header-only file as 0 rows: row-count rules fail, value rules pass', async () => {
    const p = await project(
      `validations:\n  d:\n    rules:\n      - { column: a, not_null: true }\n      - { row_count: { min: 1 } }\n`,
      [{ 'd.csv': 'a,b\n' }],
    );
    try {
      const r = await validate(p);
      expect(r.files[0].rows).toBe(0);
      expect(checks(r).map((c) => c.status)).toEqual(['pass', 'fail']);
    } finally {
      p.close();
    }
  });

  it('shows a semicolon file named .csv as one misnamed column, with the likely delimiter', async () => {
    const p = await project(`validations:\n  d:\n    columns: [a, b]\n    rules: []\n`, [
      { 'd.csv': 'a;b\n1;2\n' },
    ]);
    try {
      const r = await validate(p);
      expect(checks(r)[0].message).toMatch(/missing "a", "b"; the file has a;b .*delimited by ";"/);
    } finally {
      p.close();
    }
  });

  it('counts a value far past the sniffed sample that does not fit the column type instead of failing the read', async () => {
    const lines = ['a'];
    for (let i = 0; i < 50_000; i++) lines.push(String(i));
    lines.push('oops');
    const p = await project(
      `validations:\n  d:\n    rules:\n      - { column: a, type: number }\n      - { column: a, min: 0 }\n`,
      [{ 'd.csv': lines.join('\n') + '\n' }],
    );
    try {
      const r = await validate(p);
      expect(checks(r).map((c) => [c.status, c.failing, rows(c)])).toEqual([
        ['fail', 1, [50_001]],
        ['fail', 1, [50_001]],
      ]);
    } finally {
      p.close();
    }
  });

  it('checks the stored content of a version: the workspace file changing during the check does not change the report', async () => {
    const lines = ['a'];
    for (let i = 0; i < 200_000; i++) lines.push(String(i % 1000));
    const p = await project(`validations:\n  d:\n    rules:\n      - { column: a, max: 998 }\n`, [
      { 'd.csv': lines.join('\n') + '\n' },
    ]);
    try {
      const running = validate(p);
      // Rewritten (shorter, other values, then a broken row) while the version is being checked.
      fs.writeFileSync(path.join(p.root, 'd.csv'), 'a\n5000\n1,2\n');
      const r = await running;
      expect(r.files[0].rows).toBe(200_000);
      expect(checks(r)[0]).toMatchObject({ status: 'fail', failing: 200 });
      expect(rows(checks(r)[0])).toEqual([1000, 2000, 3000, 4000, 5000]);
    } finally {
      p.close();
    }
  });

  it('a rule naming a missing column is an error with its strata.yaml line; a bad regex a config error', async () => {
    const p = await project(
      `validations:\n  d:\n    rules:\n      - { column: a, not_null: true }\n      - { column: agee, min: 0 }\n`,
      [{ 'd.csv': 'a\n1\n' }],
    );
    try {
      const r = await validate(p);
      expect(r.status).toBe('error');
      const c = checks(r)[1];
      expect(c.status).toBe('error');
      expect(c.where).toMatchObject({ file: path.join(p.root, 'strata.yaml'), line: 7 });
      expect(c.message).toMatch(/"agee", not a column of d\.csv \(strata\.yaml line 7\); its columns are a/);
      fs.writeFileSync(
        path.join(p.root, 'strata.yaml'),
        `artifacts: {}\nstages: {}\nvalidations:\n  d:\n    rules:\n      - { column: a, regex: "(unclosed" }\n`,
      );
      p.reloadConfig();
      await expect(loadValidations(p)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        where: { line: 6 },
        message: expect.stringMatching(/regex: .*missing \)/),
      });
      fs.writeFileSync(
        path.join(p.root, 'strata.yaml'),
        `artifacts: {}\nstages: {}\nvalidations:\n  d:\n    rules:\n      - { column: a, min: 0, not_null: true }\n`,
      );
      p.reloadConfig();
      await expect(loadValidations(p)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        where: { line: 6 },
        message: expect.stringMatching(/one check; this one has not_null, range/),
      });
    } finally {
      p.close();
    }
  });
});

describe('rule inference', () => {
  it('proposes types, nullability, ranges with a margin, categories and a row band, and writes them keeping comments', async () => {
    const lines = ['id,score,region,note'];
    for (let i = 1; i <= 40; i++)
      lines.push(`${i},${(i * 2.5).toFixed(1)},${['north', 'south'][i % 2]},${i % 10 === 0 ? '' : 'n' + i}`);
    const p = await project('', [{ 'd.csv': lines.join('\n') + '\n' }]);
    try {
      const file = path.join(p.root, 'strata.yaml');
      fs.writeFileSync(file, '# my project\nartifacts: {} # none yet\nstages: {}\n');
      p.reloadConfig();
      const { inferRules } = await import('../../electron/core/validation/infer.js');
      const r = await inferRules(p, resolveRef(p, 'd', '1'), 'd', true);
      expect(r.written).toBe(true);
      const text = fs.readFileSync(file, 'utf8');
      expect(text.startsWith('# my project\nartifacts: {} # none yet\n')).toBe(true);
      const [entry] = await loadValidations(p);
      expect(entry.columns).toEqual(['id', 'score', 'region', 'note']);
      expect(entry.rules).toEqual([
        { row_count: { min: 20, max: 80 }, severity: 'warn' },
        { column: 'id', type: 'integer', severity: 'error' },
        { column: 'id', not_null: true, severity: 'error' },
        { column: 'id', min: 0, max: 44, severity: 'error' },
        { column: 'score', type: 'number', severity: 'error' },
        { column: 'score', not_null: true, severity: 'error' },
        { column: 'score', min: 0, max: 110, severity: 'error' },
        { column: 'region', type: 'string', severity: 'error' },
        { column: 'region', not_null: true, severity: 'error' },
        { column: 'region', allowed: ['north', 'south'], severity: 'error' },
        { column: 'note', type: 'string', severity: 'error' },
        { column: 'note', max_null_share: 0.16, severity: 'warn' },
      ]);
      // The proposal holds for the version it came from.
      expect((await validate(p)).status).toBe('pass');
      await expect(inferRules(p, resolveRef(p, 'd', '1'), 'd', true)).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    } finally {
      p.close();
    }
  });
});

describe('HTML export', () => {
  it('is one self-contained page (no scripts, no network) with the checks, failing rows and profiles with the reference outlined', async () => {
    const gen = (shift: number) =>
      'x,c\n' +
      Array.from({ length: 5000 }, (_, i) => `${(i % 100) + shift},${i % 3 ? 'a' : 'b'}`).join('\n') +
      '\n';
    const p = await project(`validations:\n  d:\n    rules:\n      - { column: x, max: 100 }\n`, [
      { 'd.csv': gen(0) },
      { 'd.csv': gen(10) },
    ]);
    try {
      const r = await validate(p, 2);
      const { entryProfiles } = await import('../../electron/core/validation/views.js');
      const { validationHtml } = await import('../../electron/core/validation/html.js');
      const html = validationHtml(r, await entryProfiles(p, 'd', 2));
      expect(html).not.toMatch(/<script|https?:\/\/|src=|href=/i);
      expect(html).toContain("default-src 'none'");
      expect(html).toContain('row 92: x=101');
      expect(html).toContain('outline: version 1 (5000 rows)');
      // a histogram of x and top values of c, each with the reference outlined (x's over its own bins)
      expect(html.match(/<svg/g)).toHaveLength(2);
      expect(html.match(/class="ref"/g)).toHaveLength(2);
      expect(html.length).toBeLessThan(50_000);
    } finally {
      p.close();
    }
  });
});

describe('rebin', () => {
  it("spreads a reference histogram over another version's bins by overlap", async () => {
    const { rebin } = await import('../../shared/api/stats.js');
    expect(rebin({ edges: [0, 10, 20], counts: [10, 20] }, [5, 10, 15, 20, 25])).toEqual([5, 10, 10, 0]);
    expect(rebin({ edges: [3, 3], counts: [4] }, [0, 2, 4])).toEqual([0, 4]);
  });
});
