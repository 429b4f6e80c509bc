import fs from 'node:fs';
import type { DataFormat } from '../../../shared/api/stats.js';
import { StrataError } from '../../../shared/errors.js';
import { csvHeader, type Delimiter } from '../tabular/csv.js';
import { duckMessage } from './duck.js';
import { needsTextRead, readSql } from './source.js';

const HEADER_PROBE = 1 << 20;

/** Header cells of a CSV/TSV (the one CSV reader's rules), or null when the header is longer than the probe. */
export function headerCells(file: string, delim: Delimiter): string[] | null {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEADER_PROBE);
    const n = fs.readSync(fd, buf, 0, HEADER_PROBE, 0);
    return csvHeader(buf.subarray(0, n).toString('utf8'), delim, n < HEADER_PROBE);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What DuckDB would accept silently or explain poorly: an empty file, and duplicate column names
 * (which it renames to name_1). Returns a message, or null when the header is fine.
 */
export function headerProblem(file: string, format: DataFormat): string | null {
  if (fs.statSync(file).size === 0) return 'the file is empty: not even a header line';
  if (format !== 'csv' && format !== 'tsv') return null;
  const cells = headerCells(file, format === 'csv' ? ',' : '\t');
  if (!cells) return null;
  const seen = new Map<string, number>();
  const dups: string[] = [];
  cells.forEach((c, i) => {
    const at = seen.get(c);
    if (at !== undefined) dups.push(`"${c}" (columns ${at + 1} and ${i + 1})`);
    else seen.set(c, i);
  });
  return dups.length ? `duplicate column names in the header: ${dups.join(', ')}` : null;
}

/**
 * Runs fn over the DuckDB relation of a file. A CSV whose sniffed types meet a value that does not
 * fit them (the sniffer samples the first rows), or whose ragged rows defeat the sniffer, is read again
 * with every cell as text under its header's names: a type rule then counts and shows the offending
 * values, and a ragged row is reported with its line. Read errors become DATA_INVALID naming the file.
 */
export async function readTable<T>(
  file: string,
  format: DataFormat,
  label: string,
  fn: (from: string, allText: boolean) => Promise<T>,
): Promise<T> {
  const problem = headerProblem(file, format);
  if (problem) throw new StrataError('DATA_INVALID', `${label}: ${problem}`);
  // DuckDB's messages name the file it read, which may be a temporary copy of a stored content.
  const explain = (err: unknown) =>
    new StrataError('DATA_INVALID', `${label}: ${duckMessage(err).split(file).join(label)}`, { cause: err });
  try {
    return await fn(readSql(file, format), false);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    const header =
      format === 'csv' || format === 'tsv' ? headerCells(file, format === 'csv' ? ',' : '\t') : null;
    if (!header || !needsTextRead(duckMessage(err))) throw explain(err);
    try {
      return await fn(readSql(file, format, { textColumns: header }), true);
    } catch (again) {
      if (again instanceof StrataError) throw again;
      throw explain(again);
    }
  }
}
