// Reading prediction logs incrementally: each file from where the last run stopped, whole lines only.
// A line that is not a record is counted with its file and line and skipped; the rest are used.
import fs from 'node:fs';
import path from 'node:path';
import type { MalformedLine } from '../../../shared/api/drift.js';
import { StrataError } from '../../../shared/errors.js';
import { specialKind, type SpecialKind } from '../store/hash-tree.js';
import { tabularFormat } from '../store/tabular.js';
import { cellValue, CsvError, parseCsvLine } from '../tabular/csv.js';
import { parseJsonRecord } from './table.js';

export interface LogCursor {
  file: string;
  offset: number;
  line: number;
  header: string[] | null;
}

export interface LogChunk {
  rows: Record<string, unknown>[];
  cursor: LogCursor;
  malformed: MalformedLine[];
}

export interface SpecialLogFile {
  file: string;
  kind: SpecialKind;
}

/**
 * A log folder's files in name order (the order a service writes rotated logs in), and the special
 * files (FIFOs, sockets, devices) named like logs: reading one would block until a writer comes, so
 * they are left out and reported.
 */
export function scanLogFolder(dir: string): { files: string[]; special: SpecialLogFile[] } {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], special: [] };
    throw err;
  }
  const files: string[] = [];
  const special: SpecialLogFile[] = [];
  for (const n of names
    .filter((n) => !n.startsWith('.') && tabularFormat(n) !== null && tabularFormat(n) !== 'parquet')
    .sort()) {
    const file = path.join(dir, n);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      // Gone (or a dangling link) between the listing and the stat: nothing to read.
      continue;
    }
    if (st.isFile()) files.push(file);
    else if (!st.isDirectory()) special.push({ file, kind: specialKind(st) });
  }
  return { files, special };
}

/** The regular log files of a folder in name order. */
export function listLogFiles(dir: string): string[] {
  return scanLogFolder(dir).files;
}

/**
 * Opens a log file for reading without blocking: a FIFO swapped in after the listing would otherwise
 * hold the open (and the thread) until a writer comes. Refuses anything but a regular file.
 */
export function openLogFile(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  const st = fs.fstatSync(fd);
  if (st.isFile()) return fd;
  fs.closeSync(fd);
  throw new StrataError('BAD_REQUEST', `${file} is a ${specialKind(st)}, not a log file; it is skipped`, {
    where: { file },
  });
}

/** A regular log file's whole text (labels files are read whole each run). */
export function readLogFile(file: string): string {
  const fd = openLogFile(file);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** A file is read once it has not changed for settleMs: a service may still be writing it. */
export function settled(file: string, settleMs: number, now = Date.now()): boolean {
  return now - fs.statSync(file).mtimeMs >= settleMs;
}

/** The rows added to `cursor.file` since the cursor, and the cursor after them. `name` labels errors. */
export function readNewRows(cursor: LogCursor, name: string): LogChunk {
  const fd = openLogFile(cursor.file);
  let buf: Buffer;
  try {
    const size = fs.fstatSync(fd).size;
    // A file shorter than what was read was replaced (rotated or rewritten): read it from the start.
    if (size < cursor.offset) cursor = { ...cursor, offset: 0, line: 0, header: null };
    buf = Buffer.alloc(size - cursor.offset);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, cursor.offset + got);
      if (n === 0) break;
      got += n;
    }
    buf = buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
  // Files are read once settled, so the text up to the end is whole lines, the last with or without
  // its newline.
  const text = buf.toString('utf8');
  const pieces = text.split('\n');
  if (text.endsWith('\n')) pieces.pop();
  const rows: Record<string, unknown>[] = [];
  const malformed: MalformedLine[] = [];
  let header = cursor.header;
  const format = tabularFormat(cursor.file);
  const delimiter = format === 'tsv' ? '\t' : format === 'csv' ? ',' : null;
  pieces.forEach((raw, k) => {
    const line = cursor.line + k + 1;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!lineText.trim()) return;
    if (delimiter) {
      let cells: string[];
      try {
        cells = parseCsvLine(lineText, delimiter);
      } catch (err) {
        if (!(err instanceof CsvError)) throw err;
        malformed.push({ file: name, line, reason: 'a quoted cell is not closed' });
        return;
      }
      if (!header) {
        header = cells;
        return;
      }
      if (cells.length !== header.length) {
        malformed.push({
          file: name,
          line,
          reason: `${cells.length} cells where the header has ${header.length}`,
        });
        return;
      }
      const rec: Record<string, unknown> = {};
      header.forEach((h, i) => (rec[h] = cellValue(cells[i])));
      rows.push(rec);
    } else {
      const rec = parseJsonRecord(lineText);
      if (typeof rec === 'string') malformed.push({ file: name, line, reason: rec });
      else rows.push(rec);
    }
  });
  const end = buf.length;
  const line = cursor.line + pieces.length;
  return { rows, malformed, cursor: { file: cursor.file, offset: cursor.offset + end, line, header } };
}
