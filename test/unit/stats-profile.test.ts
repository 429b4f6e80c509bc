import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { profileFile, storedProfile, versionProfiles } from '../../electron/core/stats/profiles.js';
import { versionFiles } from '../../electron/core/stats/version-files.js';

const t = tempDir();
afterAll(() => t.cleanup());

function write(rel: string, text: string | Buffer): string {
  const file = path.join(t.dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('column statistics', () => {
  it('profiles a CSV: types, nulls, distinct, bounds, moments, quantiles, histogram and top values', async () => {
    const lines = ['x,city,flag'];
    for (let i = 1; i <= 100; i++)
      lines.push(`${i === 50 ? '' : i},${i % 4 === 0 ? 'Oslo' : 'Rome'},${i % 2 === 0}`);
    const p = await profileFile(write('a.csv', lines.join('\n') + '\n'), 'csv');
    expect(p.rows).toBe(100);
    const x = p.columns.find((c) => c.name === 'x')!;
    expect(x.kind).toBe('number');
    expect(x.nulls).toBe(1);
    expect(x.count).toBe(99);
    expect(x.min).toBe(1);
    expect(x.max).toBe(100);
    const values = Array.from({ length: 100 }, (_, i) => i + 1).filter((v) => v !== 50);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(x.mean).toBeCloseTo(mean, 10);
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(x.std).toBeCloseTo(sd, 10);
    expect(x.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(99);
    expect(x.histogram!.edges[0]).toBe(1);
    expect(x.histogram!.edges.at(-1)).toBe(100);
    // bin width 4.95: [1, 5.95) holds 1..5
    expect(x.histogram!.counts[0]).toBe(5);
    expect(x.quantiles!.find((q) => q.q === 0.5)!.value).toBeGreaterThan(45);
    expect(x.quantiles!.find((q) => q.q === 0.5)!.value).toBeLessThan(56);
    const city = p.columns.find((c) => c.name === 'city')!;
    expect(city.kind).toBe('string');
    expect(city.distinct).toBe(2);
    expect(city.top).toEqual([
      { value: 'Rome', count: 75 },
      { value: 'Oslo', count: 25 },
    ]);
    expect(p.columns.find((c) => c.name === 'flag')!.kind).toBe('boolean');
  });

  it('reads JSONL and TSV, and refuses duplicate header names and empty files with a reason', async () => {
    const j = await profileFile(write('b.jsonl', '{"a":1,"b":"x"}\n{"a":3,"b":null}\n'), 'jsonl');
    expect(j.rows).toBe(2);
    expect(j.columns.map((c) => [c.name, c.nulls])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    const tsv = await profileFile(write('c.tsv', 'a\tb\n1\t2\n'), 'tsv');
    expect(tsv.columns.map((c) => c.name)).toEqual(['a', 'b']);
    await expect(profileFile(write('d.csv', 'a,b,a\n1,2,3\n'), 'csv')).rejects.toThrow(
      /duplicate column names in the header: "a" \(columns 1 and 3\)/,
    );
    await expect(profileFile(write('e.csv', ''), 'csv')).rejects.toThrow(/empty/);
  });

  it('stores a version file profile once per content and reuses it', async () => {
    const root = path.join(t.dir, 'proj');
    fs.mkdirSync(root);
    const project = Project.init(root);
    try {
      fs.writeFileSync(path.join(root, 'd.csv'), 'a,b\n1,x\n2,y\n');
      const v = await recordVersion(project, { path: 'd.csv', kind: 'dataset', source: 'manual' });
      const [file] = versionFiles(project, v);
      expect(file.path).toBe('d.csv');
      const first = await storedProfile(project, file);
      expect(first.rows).toBe(2);
      const count = () => project.db.prepare('SELECT count(*) FROM column_profiles').pluck().get();
      expect(count()).toBe(1);
      // A stored profile is what comes back: the object store is no longer read.
      project.db.prepare("UPDATE column_profiles SET profile = json_set(profile, '$.rows', 99)").run();
      const again = await versionProfiles(project, v);
      expect(again[0].profile!.rows).toBe(99);
      expect(count()).toBe(1);
    } finally {
      project.close();
    }
  });
});

describe('loading', () => {
  it('loads the DuckDB library only when a query needs it, not with the engine (every CLI command would pay for it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      const loaded = () => process.report.getReport().sharedObjects.some((o) => /duckdb/i.test(o));
      await import(${JSON.stringify(path.resolve('electron/core/engine.ts'))});
      const before = loaded();
      const { query } = await import(${JSON.stringify(path.resolve('electron/core/stats/duck.ts'))});
      await query('SELECT 1');
      console.log(JSON.stringify({ before, after: loaded() }));
      process.exit(0);`;
    const r = spawnSync(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 60000,
      },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
  });
});
