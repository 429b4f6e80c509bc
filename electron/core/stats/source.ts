import type { DataFormat } from '../../../shared/api/stats.js';
import { literal } from './duck.js';

const EXTENSIONS: [string, DataFormat][] = [
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.tab', 'tsv'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.parquet', 'parquet'],
];

export function dataFormat(name: string): DataFormat | null {
  const lower = name.toLowerCase();
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext))?.[1] ?? null;
}

export interface ReadOptions {
  /**
   * Read every cell as text under these header names, without sniffing: the fallback when a column's
   * sniffed type meets a value it cannot hold, or when rows of different lengths defeat the sniffer.
   */
  textColumns?: string[];
}

/**
 * The DuckDB table function that reads a file. The delimiter follows the extension instead of being
 * sniffed, so a semicolon file named .csv shows up as one misnamed column rather than passing by
 * accident; the header is always the first line.
 */
export function readSql(file: string, format: DataFormat, opts: ReadOptions = {}): string {
  const f = literal(file);
  switch (format) {
    case 'csv':
    case 'tsv':
      return `read_csv(${f}, delim=${format === 'csv' ? "','" : "'\\t'"}, header=true, skip=0, quote='"', escape='"', strict_mode=true${text(opts.textColumns)})`;
    case 'jsonl':
      return `read_json(${f}, format='newline_delimited')`;
    case 'parquet':
      return `read_parquet(${f})`;
  }
}

function text(columns: string[] | undefined): string {
  if (!columns) return '';
  return `, auto_detect=false, columns={${columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`;
}

/** DuckDB sniffs a CSV's types from a sample; a later value that does not fit fails the read. */
export function needsTextRead(message: string): boolean {
  return /Could not convert|Conversion Error|could not be cast|not possible to automatically detect/i.test(
    message,
  );
}
