import fs from 'node:fs';
import { readRange } from './packs.js';
import { StringDecoder } from 'node:string_decoder';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { ColumnStats, TabularStats } from '../../../shared/api/artifacts.js';
import { cellValue, readCsv, type TabularSource } from '../tabular/csv.js';

export type TabularFormat = TabularStats['format'];

export function tabularFormat(name: string): TabularFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet')) return 'parquet';
  return null;
}

const DISTINCT_CAP = 100_000;

type Kind = 'number' | 'string' | 'boolean';

class Column {
  nulls = 0;
  kinds = new Set<Kind>();
  distinct = new Set<string>();
  capped = false;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  count = 0;

  constructor(readonly name: string) {}

  add(value: unknown, text: string): void {
    if (value === null || value === undefined || text === '') {
      this.nulls++;
      return;
    }
    const kind: Kind =
      typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
    this.kinds.add(kind);
    if (kind === 'number') {
      const n = value as number;
      if (n < this.min) this.min = n;
      if (n > this.max) this.max = n;
      this.sum += n;
      this.count++;
    }
    if (!this.capped) {
      // Distinct values, not spellings: "TRUE" and "true", "1.0" and "1" are one value each.
      const key = kind === 'string' ? text : String(value);
      // A parsed cell of 13 characters or more is a slice of its whole 1 MiB chunk (shorter ones are
      // copies in V8): keeping a copy instead lets the chunk go.
      if (!this.distinct.has(key)) this.distinct.add(key.length > 12 ? Buffer.from(key).toString() : key);
      if (this.distinct.size >= DISTINCT_CAP) this.capped = true;
    }
  }

  stats(): ColumnStats {
    const type = this.kinds.size === 0 ? 'empty' : this.kinds.size > 1 ? 'mixed' : [...this.kinds][0];
    return {
      name: this.name,
      type,
      nulls: this.nulls,
      distinct: this.distinct.size,
      distinctCapped: this.capped,
      min: this.count ? this.min : null,
      max: this.count ? this.max : null,
      mean: this.count ? this.sum / this.count : null,
    };
  }
}

/** The text of a source in ~1 MiB pieces, decoded as UTF-8 across their boundaries (JSON lines). */
export function readChunks(source: TabularSource, onText: (text: string) => void): void {
  const { file, offset, size } =
    typeof source === 'string' ? { file: source, offset: 0, size: Infinity } : source;
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const decoder = new StringDecoder('utf8');
  try {
    let pos = 0;
    let n: number;
    while (pos < size && (n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - pos), offset + pos)) > 0) {
      pos += n;
      onText(decoder.write(buf.subarray(0, n)));
    }
    onText(decoder.end());
  } finally {
    fs.closeSync(fd);
  }
}

/** A JSON or Parquet value as the summary counts it: 64-bit integers as numbers, nested values as JSON. */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null)
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return v;
}

function addRecord(columns: Column[], record: Record<string, unknown>): void {
  for (const col of columns) {
    const value = plain(record[col.name]);
    col.add(value, value === null || value === undefined ? '' : String(value));
  }
}

/**
 * Parquet through hyparquet (pure JavaScript, no dependencies): the schema from the footer, then
 * every row. Codecs beyond snappy are not bundled, so such a file is reported as unreadable.
 */
async function parquetStats(source: TabularSource): Promise<TabularStats> {
  const buf = typeof source === 'string' ? fs.readFileSync(source) : readRange(source);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(ab);
  const columns = parquetSchema(meta).children.map((c) => new Column(c.element.name));
  const rows = (await parquetReadObjects({ file: ab, metadata: meta })) as Record<string, unknown>[];
  for (const r of rows) addRecord(columns, r);
  return { format: 'parquet', rows: rows.length, columns: columns.map((c) => c.stats()) };
}

/** Row count and per-column summary of a CSV or TSV (first row is the header), JSONL or Parquet file. */
export async function tabularStats(file: TabularSource, format: TabularFormat): Promise<TabularStats> {
  if (format === 'parquet') return parquetStats(file);
  const columns: Column[] = [];
  const byName = new Map<string, Column>();
  let rows = 0;
  if (format === 'csv' || format === 'tsv') {
    const read = await readCsv(file, format === 'tsv' ? '\t' : ',', (batch, header) => {
      if (columns.length === 0) for (const name of header) columns.push(new Column(name));
      for (const row of batch) {
        for (let i = 0; i < columns.length; i++) {
          const cell = row[i] ?? '';
          columns[i].add(cellValue(cell), cell);
        }
      }
    });
    // A header with no rows still names the columns.
    if (columns.length === 0) for (const name of read.header) columns.push(new Column(name));
    rows = read.rows;
  } else {
    let rest = '';
    let line = 0;
    const onLine = (text: string) => {
      line++;
      if (!text.trim()) return;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (err) {
        throw new Error(`line ${line}: not JSON (${(err as Error).message})`, { cause: err });
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
        throw new Error(`line ${line}: not a JSON object`);
      rows++;
      const record = obj as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!byName.has(key)) {
          const col = new Column(key);
          col.nulls = rows - 1;
          byName.set(key, col);
          columns.push(col);
        }
      }
      addRecord(columns, record);
    };
    readChunks(file, (t) => {
      const parts = (rest + t).split('\n');
      rest = parts.pop() as string;
      for (const p of parts) onLine(p);
    });
    if (rest) onLine(rest);
  }
  return { format, rows, columns: columns.map((c) => c.stats()) };
}
