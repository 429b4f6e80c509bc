// Tables as columns for drift: numbers in a Float64Array (NaN where missing), text and booleans as
// dictionary codes. A column's kind is known only once every row is read, so cells are kept in both
// forms until then.
import fs from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { plain, readChunks, type TabularFormat } from '../store/tabular.js';
import { readRange } from '../store/packs.js';
import { cellValue, readCsv, type TabularSource } from '../tabular/csv.js';

export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
  missing: number;
}
export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  /** index into dict; -1 where missing */
  codes: Int32Array;
  dict: string[];
  missing: number;
  /** numbers and text mixed in one column: compared as text spellings */
  mixed: boolean;
}
export type ColumnData = NumericColumn | CategoricalColumn;
export interface Table {
  rows: number;
  columns: ColumnData[];
}

const MISSING = -1;
const NUMBER = -2;

class ColumnBuilder {
  values = new Float64Array(1024);
  codes = new Int32Array(1024);
  dict = new Map<string, number>();
  numbers = 0;
  texts = 0;
  missing = 0;

  constructor(
    readonly name: string,
    public length = 0,
  ) {
    if (length) {
      this.grow(length);
      this.values.fill(NaN, 0, length);
      this.codes.fill(MISSING, 0, length);
      this.missing = length;
    }
  }

  private grow(min: number): void {
    let cap = this.values.length;
    while (cap < min) cap *= 2;
    if (cap === this.values.length) return;
    const v = new Float64Array(cap);
    v.set(this.values.subarray(0, this.length));
    const c = new Int32Array(cap);
    c.set(this.codes.subarray(0, this.length));
    this.values = v;
    this.codes = c;
  }

  add(value: unknown): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    const i = this.length++;
    if (
      value === null ||
      value === undefined ||
      value === '' ||
      (typeof value === 'number' && isNaN(value))
    ) {
      this.values[i] = NaN;
      this.codes[i] = MISSING;
      this.missing++;
    } else if (typeof value === 'number') {
      this.values[i] = value;
      this.codes[i] = NUMBER;
      this.numbers++;
    } else {
      const text = String(value);
      let code = this.dict.get(text);
      if (code === undefined) this.dict.set(text, (code = this.dict.size));
      this.values[i] = NaN;
      this.codes[i] = code;
      this.texts++;
    }
  }

  finish(): ColumnData {
    const n = this.length;
    if (this.texts === 0)
      return { name: this.name, kind: 'numeric', values: this.values.slice(0, n), missing: this.missing };
    const dict = [...this.dict.keys()];
    const codes = this.codes.slice(0, n);
    if (this.numbers > 0) {
      // Numbers join the dictionary by their spelling, so "3" and 3 are one category.
      const extra = new Map<string, number>(this.dict);
      for (let i = 0; i < n; i++) {
        if (codes[i] !== NUMBER) continue;
        const text = String(this.values[i]);
        let code = extra.get(text);
        if (code === undefined) {
          extra.set(text, (code = extra.size));
          dict.push(text);
        }
        codes[i] = code;
      }
    }
    return {
      name: this.name,
      kind: 'categorical',
      codes,
      dict,
      missing: this.missing,
      mixed: this.numbers > 0,
    };
  }
}

/** Builds columns from records, keeping the order in which column names first appear. */
export class TableBuilder {
  private byName = new Map<string, ColumnBuilder>();
  private order: ColumnBuilder[] = [];
  rows = 0;

  add(record: Record<string, unknown>): void {
    for (const key of Object.keys(record)) {
      if (!this.byName.has(key)) {
        const col = new ColumnBuilder(key, this.rows);
        this.byName.set(key, col);
        this.order.push(col);
      }
    }
    for (const col of this.order) col.add(plain(record[col.name]));
    this.rows++;
  }

  /** CSV rows arrive as cells in header order, which spares building a record per row. */
  addCells(header: string[], cells: string[]): void {
    if (this.order.length === 0) for (const name of header) this.add0(name);
    for (let i = 0; i < this.order.length; i++) this.order[i].add(cellValue(cells[i] ?? ''));
    this.rows++;
  }

  private add0(name: string): void {
    const col = new ColumnBuilder(name, this.rows);
    this.byName.set(name, col);
    this.order.push(col);
  }

  finish(): Table {
    return { rows: this.rows, columns: this.order.map((c) => c.finish()) };
  }
}

/** A row the reader could not use, and where it was. */
export interface BadRow {
  line: number;
  reason: string;
}

/**
 * Reads every row of a CSV (header first), JSONL or Parquet source into `builder`. Rows that cannot be
 * read (not JSON, not an object, a CSV row with the wrong number of cells) are passed to `onBad` and
 * skipped; without `onBad` the first one is an error naming its line.
 */
export async function readTable(
  source: TabularSource,
  format: TabularFormat,
  builder: TableBuilder,
  onBad?: (bad: BadRow) => void,
): Promise<void> {
  const bad =
    onBad ??
    ((b: BadRow) => {
      throw new Error(`line ${b.line}: ${b.reason}`);
    });
  if (format === 'parquet') {
    const buf = typeof source === 'string' ? fs.readFileSync(source) : readRange(source);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    for (const r of (await parquetReadObjects({ file: ab })) as Record<string, unknown>[]) builder.add(r);
    return;
  }
  if (format === 'csv' || format === 'tsv') {
    // Rows are counted from the header's 1, as the reader's own errors count them.
    let row = 1;
    await readCsv(source, format === 'tsv' ? '\t' : ',', (rows, header) => {
      for (const cells of rows) {
        row++;
        if (cells.length !== header.length)
          bad({ line: row, reason: `${cells.length} cells where the header has ${header.length}` });
        else builder.addCells(header, cells);
      }
    });
    return;
  }
  readJsonLines(source, (text, line) => {
    const record = parseJsonRecord(text);
    if (typeof record === 'string') bad({ line, reason: record });
    else builder.add(record);
  });
}

/** A JSON object from one line, or the reason it is not one. */
export function parseJsonRecord(text: string): Record<string, unknown> | string {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'not a JSON object';
  return obj as Record<string, unknown>;
}

function readJsonLines(source: TabularSource, onLine: (text: string, line: number) => void): void {
  let rest = '';
  let line = 0;
  const each = (text: string) => {
    line++;
    if (text.trim()) onLine(text, line);
  };
  readChunks(source, (t) => {
    const parts = (rest + t).split('\n');
    rest = parts.pop() as string;
    for (const p of parts) each(p);
  });
  if (rest) each(rest);
}
