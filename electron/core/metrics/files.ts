import fs from 'node:fs';
import path from 'node:path';
import JSON5 from 'json5';
import { parseDocument } from 'yaml';
import { keyed } from '../../../shared/names.js';
import {
  cellNumber,
  CsvError,
  delimiterFor,
  parseCsv,
  type CsvTable,
  type Delimiter,
} from '../tabular/csv.js';
import type { TrackingIngestor } from './tracking.js';

/** Nested objects become dotted keys ({train: {loss: 1}} → train.loss); only numbers are metrics. */
export function flattenNumbers(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = keyed(),
): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenNumbers(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/**
 * JSON as Python's json module writes it: bare NaN, Infinity and -Infinity are numbers. Those are
 * JSON5 number literals, so a file JSON.parse refuses is read again by JSON5 (strings, "NaN" among
 * them, stay strings either way).
 */
function parseJsonWithNonFinite(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON5.parse(text);
  }
}

/**
 * A metrics file (JSON or YAML): every numeric leaf becomes a final value, a NaN or infinite one is
 * counted and left out. A key the run already has a series for (logged through a client) is left
 * to that series.
 */
function readSummaryFile(abs: string, ing: TrackingIngestor): void {
  const text = fs.readFileSync(abs, 'utf8');
  let data: unknown;
  if (/\.ya?ml$/i.test(abs)) {
    const doc = parseDocument(text, { strict: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      ing.stats.skipped += 1;
      return;
    }
    data = doc.toJS({ maxAliasCount: 100 });
  } else {
    try {
      data = parseJsonWithNonFinite(text);
    } catch {
      ing.stats.skipped += 1;
      return;
    }
  }
  for (const [key, value] of Object.entries(flattenNumbers(data))) {
    if (typeof value !== 'number') continue;
    if (!Number.isFinite(value)) ing.stats.nonFinite += 1;
    else if (!ing.hasSeries(key) && !ing.point(key, value, undefined, Date.now())) ing.stats.skipped += 1;
  }
}

/**
 * A plots table (CSV or TSV with a header): a `step` column (or the row number) gives x, every other
 * numeric column is a series named after it. Rows that do not parse are skipped and counted.
 */
function readTableFile(abs: string, ing: TrackingIngestor): void {
  const table = readCsvFile(abs, ing);
  if (!table) return;
  const header = table.header.map((h) => h.trim());
  const stepCol = header.findIndex((h) => h === 'step' || h === 'epoch');
  const timeCol = header.findIndex((h) => h === 'timestamp' || h === 'time');
  // A series the step already logged through a client is not doubled by the same numbers in a plot file.
  const logged = new Set(header.filter((h) => ing.hasSeries(h)));
  table.rows.forEach((cells, r) => {
    if (cells.length !== header.length) {
      ing.stats.skipped += 1;
      return;
    }
    const step = stepCol >= 0 ? Number(cells[stepCol]) : r;
    const ts = timeCol >= 0 ? Number(cells[timeCol]) : NaN;
    // DVCLive writes milliseconds; a seconds value is small enough to tell apart.
    const time = Number.isFinite(ts) ? (ts < 1e11 ? ts * 1000 : ts) : Date.now();
    // A row is taken whole or not at all: a bad cell skips the row, a NaN/Inf cell only that value.
    const values: [string, number][] = [];
    let nonFinite = 0;
    let bad = !Number.isFinite(step);
    header.forEach((h, i) => {
      if (bad || i === stepCol || i === timeCol || logged.has(h)) return;
      const v = cellNumber(cells[i]);
      if (v === null) bad = true;
      else if (!Number.isFinite(v)) nonFinite += 1;
      else values.push([h, v]);
    });
    if (bad) {
      ing.stats.skipped += 1;
      return;
    }
    ing.stats.nonFinite += nonFinite;
    for (const [h, v] of values) ing.point(h, v, step, time);
  });
}

/** A table through the one CSV reader; a file it cannot read (an unterminated quote) is skipped whole. */
function readCsvFile(abs: string, ing: TrackingIngestor, delimiter?: Delimiter): CsvTable | null {
  const text = fs.readFileSync(abs, 'utf8');
  try {
    return parseCsv(text, delimiter ?? delimiterFor(abs, text.split('\n', 1)[0]));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    ing.stats.skipped += 1;
    return null;
  }
}

/** Reads one declared metrics or plots file, or a DVCLive output folder; a missing file is not an error. */
export function readMetricsPath(abs: string, ing: TrackingIngestor): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    readDvcLive(abs, ing);
    return;
  }
  // A FIFO or a device has no file to read: reading one would block the run's end forever.
  if (!st.isFile()) return;
  if (/\.(csv|tsv)$/i.test(abs)) readTableFile(abs, ing);
  else if (/\.(json|ya?ml)$/i.test(abs)) readSummaryFile(abs, ing);
}

/** DVCLive: plots/metrics/<key>.tsv hold the series (the key may have folders), metrics.json the last values. */
export function readDvcLive(dir: string, ing: TrackingIngestor): void {
  const plots = path.join(dir, 'plots', 'metrics');
  const walk = (sub: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(plots, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && /\.tsv$/i.test(e.name))
        readDvcLiveSeries(path.join(plots, rel), rel.replace(/\.tsv$/i, ''), ing);
    }
  };
  walk('');
  const summary = path.join(dir, 'metrics.json');
  if (fs.statSync(summary, { throwIfNoEntry: false })?.isFile()) readSummaryFile(summary, ing);
}

/** A DVCLive series file: columns timestamp, step and one named after the metric's last path part. */
function readDvcLiveSeries(abs: string, key: string, ing: TrackingIngestor): void {
  const table = readCsvFile(abs, ing, '\t');
  if (!table) return;
  const stepCol = table.header.indexOf('step');
  const timeCol = table.header.indexOf('timestamp');
  const valueCol = table.header.findIndex((_h, i) => i !== stepCol && i !== timeCol);
  for (const cells of table.rows) {
    const v = cellNumber(cells[valueCol] ?? '');
    if (v !== null && !Number.isFinite(v)) {
      ing.stats.nonFinite += 1;
      continue;
    }
    const step = stepCol >= 0 ? Number(cells[stepCol]) : NaN;
    if (v === null || !Number.isFinite(step)) {
      ing.stats.skipped += 1;
      continue;
    }
    const ts = timeCol >= 0 ? Number(cells[timeCol]) : NaN;
    ing.point(key, v, step, Number.isFinite(ts) ? ts : Date.now());
  }
}
