// A monitor run's heavy part, in a worker: read the logs' new lines, cut full windows, and compare each
// window with the reference profile (loaded from its cache, computed once per dataset version).
import type { CbpeEstimate, DriftReport, DriftSettings, MalformedLine } from '../../../shared/api/drift.js';
import { serveWorker } from '../jobs/worker.js';
import { compareProfiles } from './compare.js';
import { loadProfile } from './load.js';
import { readNewRows, type LogCursor } from './logs.js';
import { cbpe, fitCalibration, rowProbability, type Calibration } from './performance.js';
import { profileTable, type Profile } from './profile.js';
import type { SampleInput } from './source.js';
import { readTable, TableBuilder } from './table.js';

export interface OutputFields {
  prediction?: string;
  /** one column, or one column per class */
  probability?: string | Record<string, string>;
  /** the classes a logged list of probabilities is in the order of */
  classes?: string[];
  label?: string;
  id?: string;
  time_column?: string;
}

export interface ReferenceJoint {
  /** label → prediction → count */
  confusion: Record<string, Record<string, number>> | null;
  calibration: Calibration | null;
  labelCounts: Record<string, number> | null;
}

export interface MonitorJob {
  reference: SampleInput;
  /** computed once per monitor: the reference's (label, prediction, probability) joint statistics */
  joint: ReferenceJoint | null;
  files: { cursor: LogCursor; name: string }[];
  pending: Record<string, unknown>[];
  nextRow: number;
  nextWindow: number;
  windowRows: number;
  /** windows by time: this many ms of outputs.time_column each (rows come in time order) */
  windowMs: number | null;
  columns?: string[];
  outputs: OutputFields;
  settings: Partial<DriftSettings>;
}

export interface WindowResult {
  index: number;
  firstRow: number;
  rows: number;
  from: string | null;
  to: string | null;
  report: DriftReport;
  estimated: CbpeEstimate | null;
  predictions: { row: number; id: string | null; prediction: string | null; label: string | null }[];
}

export interface MonitorAnswer {
  windows: WindowResult[];
  pending: Record<string, unknown>[];
  cursors: LogCursor[];
  malformed: MalformedLine[];
  joint: ReferenceJoint;
}

const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

function timeText(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

async function referenceJoint(input: SampleInput, o: OutputFields): Promise<ReferenceJoint> {
  if (!o.label) return { confusion: null, calibration: null, labelCounts: null };
  const b = new TableBuilder();
  for (const s of input.sources)
    await readTable({ file: s.file, offset: s.offset, size: s.size }, s.format, b);
  const t = b.finish();
  const col = (name?: string) => (name ? t.columns.find((c) => c.name === name) : undefined);
  const cell = (c: ReturnType<typeof col>, i: number): string | null => {
    if (!c) return null;
    if (c.kind === 'numeric') return Number.isNaN(c.values[i]) ? null : String(c.values[i]);
    return c.codes[i] < 0 ? null : c.dict[c.codes[i]];
  };
  const label = col(o.label);
  const pred = col(o.prediction);
  const probColumns = probabilityColumns(o).map((n) => col(n));
  if (!label) return { confusion: null, calibration: null, labelCounts: null };
  const labelCounts: Record<string, number> = {};
  const confusion: Record<string, Record<string, number>> = {};
  const scores: number[] = [];
  const hits: boolean[] = [];
  let multiclass = false;
  for (let i = 0; i < t.rows; i++) {
    const l = cell(label, i);
    if (l === null) continue;
    labelCounts[l] = (labelCounts[l] ?? 0) + 1;
    const p = cell(pred, i);
    if (p !== null) (confusion[l] ??= {})[p] = (confusion[l][p] ?? 0) + 1;
    if (!o.probability || probColumns.every((c) => !c)) continue;
    const rec: Record<string, unknown> = {};
    for (const c of probColumns) if (c) rec[c.name] = cell(c, i);
    if (o.prediction) rec[o.prediction] = p;
    const got = rowProbability(rec, {
      probability: o.probability,
      classes: o.classes,
      prediction: o.prediction,
    });
    if (Number.isNaN(got.p)) continue;
    // Binary: is the label the positive class; multiclass: is the prediction right.
    if (got.kind === 'multiclass') {
      if (p === null) continue;
      multiclass = true;
    }
    scores.push(got.p);
    hits.push(got.kind === 'multiclass' ? p === l : l === '1' || l === 'true' || l === 'True');
  }
  for (const l of Object.keys(labelCounts)) confusion[l] ??= {};
  return {
    confusion: pred ? confusion : null,
    calibration:
      scores.length >= 100 ? fitCalibration(scores, hits, multiclass ? 'correct' : 'positive') : null,
    labelCounts,
  };
}

/** The columns holding the model's probabilities. */
function probabilityColumns(o: OutputFields): string[] {
  if (!o.probability) return [];
  return typeof o.probability === 'string' ? [o.probability] : Object.values(o.probability);
}

function windowOf(
  rows: Record<string, unknown>[],
  index: number,
  firstRow: number,
  reference: Profile,
  job: MonitorJob,
  calibration: Calibration | null,
): WindowResult {
  const b = new TableBuilder();
  for (const r of rows) b.add(r);
  const o = job.outputs;
  const outputs = new Set(
    [o.prediction, ...probabilityColumns(o), o.label, o.id, o.time_column].filter(Boolean),
  );
  const wanted = job.columns ?? reference.columns.map((c) => c.name).filter((n) => !outputs.has(n));
  const current = profileTable(b.finish(), new Set(wanted));
  const report = compareProfiles(
    reference,
    current,
    { reference: job.reference.label, current: `window ${index + 1}` },
    job.settings,
    wanted,
  );
  return {
    index,
    firstRow,
    rows: rows.length,
    from: o.time_column ? timeText(rows[0][o.time_column]) : null,
    to: o.time_column ? timeText(rows[rows.length - 1][o.time_column]) : null,
    report,
    estimated: o.probability
      ? cbpe(rows, { probability: o.probability, classes: o.classes, prediction: o.prediction }, calibration)
      : null,
    predictions:
      o.prediction || o.id || o.label
        ? rows.map((r, k) => ({
            row: firstRow + k,
            id: o.id ? text(r[o.id]) : null,
            prediction: o.prediction ? text(r[o.prediction]) : null,
            label: o.label ? text(r[o.label]) : null,
          }))
        : [],
  };
}

function timeMs(v: unknown): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? Date.parse(v) : NaN;
}

/**
 * The full windows among the rows, and the rows still waiting: by row count, or by time, where a
 * window is complete once a row of a later period arrives. A row whose time cannot be read stays in
 * the window it was logged in.
 */
function cut(
  rows: Record<string, unknown>[],
  job: MonitorJob,
): { full: Record<string, unknown>[][]; rest: Record<string, unknown>[] } {
  const full: Record<string, unknown>[][] = [];
  if (job.windowMs === null) {
    let at = 0;
    for (; rows.length - at >= job.windowRows; at += job.windowRows)
      full.push(rows.slice(at, at + job.windowRows));
    return { full, rest: rows.slice(at) };
  }
  const col = job.outputs.time_column!;
  let start = 0;
  let period = NaN;
  rows.forEach((r, i) => {
    const p = Math.floor(timeMs(r[col]) / job.windowMs!);
    if (Number.isNaN(p)) return;
    if (!Number.isNaN(period) && p > period) {
      full.push(rows.slice(start, i));
      start = i;
    }
    if (Number.isNaN(period) || p > period) period = p;
  });
  return { full, rest: rows.slice(start) };
}

async function runMonitorJob(job: MonitorJob): Promise<MonitorAnswer> {
  const reference = await loadProfile(job.reference);
  const joint = job.joint ?? (await referenceJoint(job.reference, job.outputs));
  const rows = [...job.pending];
  const cursors: LogCursor[] = [];
  const malformed: MalformedLine[] = [];
  for (const f of job.files) {
    const chunk = readNewRows(f.cursor, f.name);
    for (const r of chunk.rows) rows.push(r);
    cursors.push(chunk.cursor);
    malformed.push(...chunk.malformed);
  }
  const windows: WindowResult[] = [];
  const { full, rest } = cut(rows, job);
  let row = job.nextRow;
  for (const slice of full) {
    windows.push(windowOf(slice, job.nextWindow + windows.length, row, reference, job, joint.calibration));
    row += slice.length;
  }
  return { windows, pending: rest, cursors, malformed, joint };
}

serveWorker<MonitorJob, MonitorAnswer>((job) => runMonitorJob(job));
