import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tabularFormat, tabularStats } from '../../electron/core/store/tabular.js';
import {
  cellNumber,
  cellValue,
  csvHeader,
  delimiterFor,
  parseCsv,
  readCsv,
} from '../../electron/core/tabular/csv.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;
function file(text: string): string {
  const f = path.join(t.dir, `f${n++}`);
  fs.writeFileSync(f, text);
  return f;
}

describe('the CSV reader', () => {
  it('drops a byte-order mark, keeps quoted delimiters, quotes and newlines, and skips empty lines', () => {
    const table = parseCsv('\ufeffid,"a, b"\r\n1,"say ""hi""\nthere"\r\n\r\n2,\r\n', ',');
    expect(table).toEqual({
      header: ['id', 'a, b'],
      rows: [
        ['1', 'say "hi"\nthere'],
        ['2', ''],
      ],
    });
    expect(parseCsv('x\ty\n"1\t2"\t3\n', '\t')).toEqual({ header: ['x', 'y'], rows: [['1\t2', '3']] });
  });

  it('streams a byte range of a file in batches, with UTF-8 split across reads decoded whole', async () => {
    const rows = ['name,n'];
    for (let i = 0; i < 150_000; i++) rows.push(`"ünïcødé, ${i}",${i}`);
    const body = rows.join('\n') + '\n';
    const f = file(`GARBAGE${body}TRAILER`);
    expect(fs.statSync(f).size).toBeGreaterThan(3 << 20);
    let batches = 0;
    let bad = 0;
    let last = '';
    const read = await readCsv(
      { file: f, offset: 7, size: Buffer.byteLength(body) },
      ',',
      (batch, header) => {
        batches++;
        expect(header).toEqual(['name', 'n']);
        for (const row of batch) if (!row[0].startsWith('ünïcødé, ') || row.length !== 2) bad++;
        last = batch[batch.length - 1][1];
      },
    );
    expect(read).toEqual({ header: ['name', 'n'], rows: 150_000 });
    expect(batches).toBeGreaterThan(1);
    expect(bad).toBe(0);
    expect(last).toBe('149999');
  });

  it('names the row of an unterminated quote instead of reading the rest of the file as one cell', async () => {
    await expect(readCsv(file('a,b\n1,2\n3,"open\n4,5\n'), ',', () => {})).rejects.toThrow(
      /row 3: quoted field unterminated/,
    );
  });

  it('reads the header from the start of a file, and says when the start ends inside it', () => {
    expect(csvHeader('\ufeffid,"a, b\nc",x\r\n1,2,3\n', ',', false)).toEqual(['id', 'a, b\nc', 'x']);
    expect(csvHeader('id,"a, b', ',', false)).toBeNull();
    expect(csvHeader('id,name', ',', false)).toBeNull();
    expect(csvHeader('id\tname', '\t', true)).toEqual(['id', 'name']);
  });

  it('types cells by their spelling, and reads NaN and infinities as Python, NumPy and R write them', () => {
    expect(['', '3', '-1.5e3', 'TRUE', 'false', 'nan', 'x'].map(cellValue)).toEqual([
      null,
      3,
      -1500,
      true,
      false,
      'nan',
      'x',
    ]);
    expect(['0.5', ' 2 ', 'NaN', 'nan', 'inf', '-Infinity', '+inf', '', 'abc'].map(cellNumber)).toEqual([
      0.5,
      2,
      NaN,
      NaN,
      Infinity,
      -Infinity,
      Infinity,
      null,
      null,
    ]);
    expect([delimiterFor('a.tsv'), delimiterFor('a.csv', 'x\ty'), delimiterFor('a.csv', 'x,y\tz')]).toEqual([
      '\t',
      '\t',
      ',',
    ]);
  });
});

describe('the tabular diff reads CSV and TSV through it', () => {
  it('names the first column without the byte-order mark', async () => {
    const s = await tabularStats(file('\ufeffid,name\n1,a\n2,b\n'), 'csv');
    expect(s.columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(s.columns[0]).toMatchObject({ type: 'number', min: 1, max: 2 });
  });

  it('summarises TSV files, quoted tabs included, and a header-only file', async () => {
    expect(tabularFormat('data/train.TSV')).toBe('tsv');
    const s = await tabularStats(file('a\tb\n1\t"x\ty"\n2\tz\n'), 'tsv');
    expect(s).toMatchObject({ format: 'tsv', rows: 2 });
    expect(s.columns.map((c) => [c.name, c.type, c.distinct])).toEqual([
      ['a', 'number', 2],
      ['b', 'string', 2],
    ]);
    const empty = await tabularStats(file('a,b\n'), 'csv');
    expect(empty.rows).toBe(0);
    expect(empty.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });
});
