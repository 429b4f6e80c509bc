import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tabularStats } from '../../electron/core/store/tabular.js';
import { compareStats } from '../../electron/core/store/diff.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;
function file(text: string | Buffer): string {
  const f = path.join(t.dir, `f${n++}`);
  fs.writeFileSync(f, text);
  return f;
}

describe('tabular summaries', () => {
  it('reads RFC 4180 CSV: quoted commas, doubled quotes, newlines in cells, CRLF, empty cells as nulls', async () => {
    const s = await tabularStats(
      file('name,qty,ok\r\n"Smith, J",3,true\r\n"say ""hi""\nthere",,false\r\nplain,4.5,TRUE\r\n'),
      'csv',
    );
    expect(s.rows).toBe(3);
    expect(s.columns.map((c) => [c.name, c.type, c.nulls, c.distinct])).toEqual([
      ['name', 'string', 0, 3],
      ['qty', 'number', 1, 2],
      ['ok', 'boolean', 0, 2],
    ]);
    expect(s.columns[1]).toMatchObject({ min: 3, max: 4.5, mean: 3.75 });
  });

  it('gives the same answer whatever the chunk boundaries (a file larger than one 1 MiB read)', async () => {
    const rows = ['id,text,value'];
    for (let i = 0; i < 60000; i++) rows.push(`${i},"row ""${i}"", with comma",${i % 7}`);
    const s = await tabularStats(file(rows.join('\n') + '\n'), 'csv');
    expect(fs.statSync(path.join(t.dir, `f${n - 1}`)).size).toBeGreaterThan(2 << 20);
    expect(s.rows).toBe(60000);
    expect(s.columns[1]).toMatchObject({ type: 'string', distinct: 60000, nulls: 0 });
    expect(s.columns[2]).toMatchObject({ type: 'number', min: 0, max: 6, distinct: 7 });
  });

  it('reads JSONL: columns in order of first appearance, missing keys as nulls, mixed types', async () => {
    const s = await tabularStats(
      file('{"a":1,"b":"x"}\n\n{"a":"two","c":null}\n{"a":3,"b":"x","c":{"k":1}}\n'),
      'jsonl',
    );
    expect(s.rows).toBe(3);
    expect(s.columns.map((c) => [c.name, c.type, c.nulls])).toEqual([
      ['a', 'mixed', 0],
      ['b', 'string', 1],
      ['c', 'string', 2],
    ]);
  });

  it('names the line of a broken JSONL record', async () => {
    await expect(tabularStats(file('{"a":1}\n{oops\n'), 'jsonl')).rejects.toThrow(/line 2: not JSON/);
    await expect(tabularStats(file('[1,2]\n'), 'jsonl')).rejects.toThrow(/line 1: not a JSON object/);
  });

  it('compares two summaries: schema change, type change, row delta', async () => {
    const a = await tabularStats(file('x,y\n1,a\n2,b\n'), 'csv');
    const b = await tabularStats(file('x,z\nfoo,1\nbar,2\nbaz,3\n'), 'csv');
    expect(compareStats('t.csv', a, b, null)).toMatchObject({
      addedColumns: ['z'],
      removedColumns: ['y'],
      typeChanges: [{ column: 'x', from: 'number', to: 'string' }],
      rowDelta: 1,
    });
  });

  // A Parquet file written by another tool (pandas' own test data, shipped by Debian's python3-pandas).
  const pandasParquet = '/usr/lib/python3/dist-packages/pandas/tests/io/data/parquet/simple.parquet';
  it.skipIf(!fs.existsSync(pandasParquet))(
    'reads Parquet: schema from the footer, 64-bit integers as numbers',
    async () => {
      const s = await tabularStats(pandasParquet, 'parquet');
      expect(s.rows).toBe(3);
      expect(s.columns).toEqual([
        { name: 'A', type: 'number', nulls: 0, distinct: 3, distinctCapped: false, min: 1, max: 3, mean: 2 },
        {
          name: 'B',
          type: 'string',
          nulls: 0,
          distinct: 1,
          distinctCapped: false,
          min: null,
          max: null,
          mean: null,
        },
      ]);
    },
  );

  it('reports a file that is not Parquet instead of crashing', async () => {
    await expect(tabularStats(file('not parquet at all'), 'parquet')).rejects.toThrow(/parquet/i);
  });
});
