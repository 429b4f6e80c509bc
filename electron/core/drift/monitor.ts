// Monitors: a reference, a folder of prediction logs, windows compared as they fill, and concept drift
// on the error stream once labels arrive. State lives in the project database (migrations.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  Detection,
  DetectorName,
  MonitorState,
  MonitorSummary,
  WindowSummary,
  DriftReport,
  CbpeEstimate,
} from '../../../shared/api/drift.js';
import { StrataError } from '../../../shared/errors.js';
import { runWorker } from '../jobs/worker.js';
import type { Db } from '../db/sqlite.js';
import type { Project } from '../project/project.js';
import { durationMs, monitorSettings, type MonitorConfig } from './config.js';
import { DEFAULTS } from './defaults.js';
import { detect, makeDetector, type DetectorConfig } from './detectors.js';
import { listLogFiles, openLogFile, readLogFile, scanLogFolder, settled, type LogCursor } from './logs.js';
import type { MonitorAnswer, MonitorJob, ReferenceJoint } from './monitor-worker.js';
import { bbse, classificationPerformance, labelShift, regressionPerformance } from './performance.js';
import { resolveSample } from './source.js';
import { parseJsonRecord } from './table.js';
import { cellValue, CsvError, parseCsvLine } from '../tabular/csv.js';

const MALFORMED_KEPT = 100;

export function monitorConfig(project: Project, name: string): MonitorConfig {
  const m = project.config.config.monitors[name];
  if (!m) {
    const known = Object.keys(project.config.config.monitors);
    throw new StrataError(
      'NOT_FOUND',
      `No monitor named "${name}" in strata.yaml.${known.length ? ` Monitors: ${known.join(', ')}.` : ' Declare one under monitors:.'}`,
    );
  }
  return m;
}

function configHash(m: MonitorConfig): string {
  const { labels: _labels, detectors: _d, detector_params: _p, ...windowing } = m;
  return crypto.createHash('sha256').update(JSON.stringify(windowing)).digest('hex');
}

interface MonitorRow {
  name: string;
  config_hash: string;
  pending: string;
  next_row: number;
  reference_joint: string | null;
  last_run_at: string | null;
  last_error: string | null;
}

function row(project: { db: Db }, name: string): MonitorRow | undefined {
  return project.db.prepare('SELECT * FROM drift_monitors WHERE name = ?').get(name) as
    MonitorRow | undefined;
}

/** Starts a monitor's stored state afresh when its settings in strata.yaml changed since it last ran. */
function ensureRow(project: Project, name: string, m: MonitorConfig): MonitorRow {
  const hash = configHash(m);
  const existing = row(project, name);
  if (existing && existing.config_hash === hash) return existing;
  project.db.transaction(() => {
    project.db.prepare('DELETE FROM drift_monitors WHERE name = ?').run(name);
    project.db.prepare('INSERT INTO drift_monitors (name, config_hash) VALUES (?, ?)').run(name, hash);
  })();
  return row(project, name)!;
}

function abs(project: { root: string }, p: string): string {
  return path.resolve(project.root, p);
}

/** Reads the labels folder (every file, each time: labels are small) into drift_labels. */
function ingestLabels(project: Project, name: string, m: MonitorConfig): void {
  if (!m.labels || !m.id) return;
  const idCol = m.id;
  const labelCol = m.label ?? 'label';
  const insert = project.db.prepare(
    'INSERT INTO drift_labels (monitor, id, label) VALUES (?, ?, ?) ON CONFLICT (monitor, id) DO UPDATE SET label = excluded.label',
  );
  const records: Record<string, unknown>[] = [];
  for (const file of listLogFiles(abs(project, m.labels))) {
    if (!settled(file, DEFAULTS.settleMs)) continue;
    const lines = readLogFile(file).split('\n');
    if (file.endsWith('.csv')) {
      let header: string[] | null = null;
      for (const l of lines) {
        if (!l.trim()) continue;
        let cells: string[];
        try {
          cells = parseCsvLine(l, ',');
        } catch (err) {
          // An unterminated quote: the line holds no label that can be read.
          if (err instanceof CsvError) continue;
          throw err;
        }
        if (!header) header = cells;
        else records.push(Object.fromEntries(header.map((h, i) => [h, cellValue(cells[i] ?? '')])));
      }
    } else {
      for (const l of lines) {
        const rec = l.trim() ? parseJsonRecord(l) : null;
        if (rec && typeof rec !== 'string') records.push(rec);
      }
    }
  }
  project.db.transaction(() => {
    for (const r of records) {
      const id = r[idCol];
      const label = r[labelCol];
      if (id === undefined || id === null || label === undefined || label === null) continue;
      insert.run(name, String(id), String(label));
    }
  })();
}

/** One run: new log lines into windows, each compared with the reference; labels joined. */
/**
 * The model version the logs were written by, from the first record's model and version fields (the
 * deploy service writes both): a monitor without a reference compares with that version's training data.
 */
function modelOfLogs(project: Project, m: MonitorConfig): string {
  for (const file of listLogFiles(abs(project, m.logs))) {
    if (!file.endsWith('.jsonl') && !file.endsWith('.ndjson')) continue;
    const fd = openLogFile(file);
    const buf = Buffer.alloc(64 * 1024);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0];
    const rec = first.trim() ? parseJsonRecord(first) : null;
    if (rec && typeof rec !== 'string' && typeof rec.model === 'string' && rec.version !== undefined)
      return `${rec.model}@${String(rec.version)}`;
  }
  throw new StrataError(
    'BAD_REQUEST',
    `The monitor names no reference and its logs (${m.logs}) carry no model and version fields to find the training data by: add reference: <dataset>@<version>.`,
  );
}

/** Runs of one monitor in this process, one after the other (the app's service and a click, say). */
const running = new Map<string, Promise<unknown>>();

/**
 * What a run starts from: the rows waiting, the next row number and every file's read position. A run
 * stores its result only if this is unchanged when it ends, so two runs over the same logs (the app
 * and `strata monitor` in another process) cannot store the same lines twice.
 */
function startingPoint(project: Project, name: string): string {
  return JSON.stringify([
    project.db.prepare('SELECT pending, next_row FROM drift_monitors WHERE name = ?').get(name),
    project.db.prepare('SELECT file, offset FROM drift_log_files WHERE monitor = ? ORDER BY file').all(name),
  ]);
}

export function runMonitor(project: Project, name: string): Promise<{ newWindows: number; alert: boolean }> {
  const key = `${project.root}\0${name}`;
  const run = (running.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => runOnce(project, name));
  running.set(key, run);
  void run
    .finally(() => {
      if (running.get(key) === run) running.delete(key);
    })
    .catch(() => undefined);
  return run;
}

async function runOnce(project: Project, name: string): Promise<{ newWindows: number; alert: boolean }> {
  const m = monitorConfig(project, name);
  const state = ensureRow(project, name, m);
  const start = startingPoint(project, name);
  try {
    const reference = resolveSample(project, m.reference ?? modelOfLogs(project, m));
    const cursors = new Map(
      (
        project.db
          .prepare('SELECT file, offset, line, header FROM drift_log_files WHERE monitor = ?')
          .all(name) as {
          file: string;
          offset: number;
          line: number;
          header: string | null;
        }[]
      ).map((r) => [
        r.file,
        { offset: r.offset, line: r.line, header: r.header ? (JSON.parse(r.header) as string[]) : null },
      ]),
    );
    const files: MonitorJob['files'] = [];
    for (const file of listLogFiles(abs(project, m.logs))) {
      const rel = path.relative(project.root, file);
      if (!settled(file, DEFAULTS.settleMs)) continue;
      const c = cursors.get(rel) ?? { offset: 0, line: 0, header: null };
      if (fs.statSync(file).size === c.offset) continue;
      files.push({ cursor: { file, ...c }, name: rel });
    }
    const windowCount = project.db
      .prepare('SELECT count(*) FROM drift_windows WHERE monitor = ?')
      .pluck()
      .get(name) as number;
    const job: MonitorJob = {
      reference,
      joint: state.reference_joint ? (JSON.parse(state.reference_joint) as ReferenceJoint) : null,
      files,
      pending: JSON.parse(state.pending) as Record<string, unknown>[],
      nextRow: state.next_row,
      nextWindow: windowCount,
      windowRows: m.window.rows,
      windowMs: m.window.every ? durationMs(m.window.every) : null,
      columns: m.columns,
      outputs: {
        prediction: m.prediction,
        probability: m.probability,
        classes: m.classes,
        label: m.label,
        id: m.id,
        time_column: m.window.time_column,
      },
      settings: monitorSettings(m),
    };
    const answer = await runWorker<MonitorJob, MonitorAnswer>(
      new URL('./monitor-worker.js', import.meta.url),
      job,
    );
    if (!store(project, name, answer, state, start)) return { newWindows: 0, alert: false };
    ingestLabels(project, name, m);
    const alert = answer.windows.some((w) => w.report.alert);
    if (alert) {
      const last = answer.windows.filter((w) => w.report.alert).at(-1)!;
      project.db
        .prepare('INSERT INTO drift_alerts (monitor, window, columns, detections) VALUES (?, ?, ?, ?)')
        .run(
          name,
          last.index,
          JSON.stringify(
            last.report.columns
              .filter((c) => c.status === 'drift' || c.status === 'missing_in_current')
              .map((c) => c.name),
          ),
          '[]',
        );
    }
    return { newWindows: answer.windows.length, alert };
  } catch (err) {
    project.db
      .prepare(
        "UPDATE drift_monitors SET last_error = ?, last_run_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE name = ?",
      )
      .run((err as Error).message, name);
    throw err;
  }
}

/** Stores a run's result; false when another run stored first (its starting point moved). */
function store(project: Project, name: string, a: MonitorAnswer, state: MonitorRow, start: string): boolean {
  const db = project.db;
  const upsertCursor = db.prepare(
    `INSERT INTO drift_log_files (monitor, file, offset, line, header) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (monitor, file) DO UPDATE SET offset = excluded.offset, line = excluded.line, header = excluded.header`,
  );
  const insWindow = db.prepare(
    'INSERT INTO drift_windows (monitor, idx, first_row, rows, t_from, t_to, report, estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insPred = db.prepare(
    'INSERT INTO drift_predictions (monitor, row, window, id, prediction, label) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const kept = db.prepare('SELECT count(*) FROM drift_malformed WHERE monitor = ?').pluck();
  const insBad = db.prepare('INSERT INTO drift_malformed (monitor, file, line, reason) VALUES (?, ?, ?, ?)');
  return db
    .transaction(() => {
      if (startingPoint(project, name) !== start) return false;
      for (const c of a.cursors as LogCursor[])
        upsertCursor.run(
          name,
          path.relative(project.root, c.file),
          c.offset,
          c.line,
          c.header ? JSON.stringify(c.header) : null,
        );
      let nextRow = state.next_row;
      for (const w of a.windows) {
        insWindow.run(
          name,
          w.index,
          w.firstRow,
          w.rows,
          w.from,
          w.to,
          JSON.stringify(w.report),
          w.estimated ? JSON.stringify(w.estimated) : null,
        );
        for (const p of w.predictions) insPred.run(name, p.row, w.index, p.id, p.prediction, p.label);
        nextRow = w.firstRow + w.rows;
      }
      // Every malformed line is counted; the first ones are kept with their file and line.
      let have = kept.get(name) as number;
      for (const bad of a.malformed) {
        if (have >= MALFORMED_KEPT) break;
        insBad.run(name, bad.file, bad.line, bad.reason);
        have++;
      }
      db.prepare(
        `UPDATE drift_monitors SET pending = ?, next_row = ?, reference_joint = ?, last_error = NULL,
         last_run_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
         malformed_count = malformed_count + ? WHERE name = ?`,
      ).run(JSON.stringify(a.pending), nextRow, JSON.stringify(a.joint), a.malformed.length, name);
      return true;
    })
    .immediate();
}

/** Everything the Drift section and `strata monitor` show for one monitor. */
/** What monitorState reads: a database connection (the worker's own, read-only) and the project root. */
export interface StateSource {
  db: Db;
  root: string;
}

/**
 * Everything the Drift section and `strata monitor` show for one monitor, computed in a worker with its
 * own read-only connection: joining a million predictions with their labels and running the detectors
 * over them takes seconds, which the host's event loop must not spend.
 */
export function monitorState(project: Project, name: string): Promise<MonitorState> {
  const config = monitorConfig(project, name);
  return runWorker<StateJob, MonitorState>(new URL('./state-worker.js', import.meta.url), {
    dbPath: project.dbPath,
    root: project.root,
    name,
    config,
  });
}

export interface StateJob {
  dbPath: string;
  root: string;
  name: string;
  config: MonitorConfig;
}

export function computeMonitorState(project: StateSource, name: string, m: MonitorConfig): MonitorState {
  const st = row(project, name);
  const source = m.logs;
  const base: MonitorState = {
    name,
    reference: m.reference ?? 'the training data of the logged model',
    source,
    columns: m.columns ?? null,
    windows: [],
    detections: [],
    detectors: m.detectors as DetectorName[],
    malformed: { count: 0, first: [] },
    unsettled: [],
    special: [],
    pendingRows: 0,
    labels: { joined: 0, waiting: 0 },
    alert: false,
    lastRunAt: null,
    error: null,
  };
  const now = Date.now();
  base.unsettled = listLogFiles(abs(project, m.logs))
    .filter((f) => !settled(f, DEFAULTS.settleMs, now))
    .map((f) => path.relative(project.root, f));
  base.special = [m.logs, m.labels].flatMap((folder) =>
    folder
      ? scanLogFolder(abs(project, folder)).special.map((s) => ({
          file: path.relative(project.root, s.file),
          kind: s.kind,
        }))
      : [],
  );
  if (!st || st.config_hash !== configHash(m)) return base;
  const db = project.db;
  const joint = st.reference_joint ? (JSON.parse(st.reference_joint) as ReferenceJoint) : null;
  const windows = db
    .prepare(
      'SELECT idx, first_row, rows, t_from, t_to, report, estimated FROM drift_windows WHERE monitor = ? ORDER BY idx',
    )
    .all(name) as {
    idx: number;
    first_row: number;
    rows: number;
    t_from: string | null;
    t_to: string | null;
    report: string;
    estimated: string | null;
  }[];
  // Labels: logged with the prediction, or joined by id from the labels folder.
  const preds = db
    .prepare(
      `SELECT p.row, p.window, p.prediction, coalesce(p.label, l.label) AS label
         FROM drift_predictions p LEFT JOIN drift_labels l ON l.monitor = p.monitor AND l.id = p.id
        WHERE p.monitor = ? ORDER BY p.row`,
    )
    .all(name) as { row: number; window: number; prediction: string | null; label: string | null }[];
  const byWindow = new Map<number, { prediction: string; label: string }[]>();
  const predCounts = new Map<number, Record<string, number>>();
  const labelCounts = new Map<number, Record<string, number>>();
  const errors: number[] = [];
  const errorWindow: number[] = [];
  let waiting = 0;
  for (const p of preds) {
    if (p.prediction !== null) {
      const pc = predCounts.get(p.window) ?? {};
      pc[p.prediction] = (pc[p.prediction] ?? 0) + 1;
      predCounts.set(p.window, pc);
    }
    if (p.label === null) {
      waiting++;
      continue;
    }
    const lc = labelCounts.get(p.window) ?? {};
    lc[p.label] = (lc[p.label] ?? 0) + 1;
    labelCounts.set(p.window, lc);
    if (p.prediction === null) continue;
    const list = byWindow.get(p.window) ?? [];
    list.push({ prediction: p.prediction, label: p.label });
    byWindow.set(p.window, list);
    errors.push(
      m.task === 'regression'
        ? Math.abs(Number(p.prediction) - Number(p.label))
        : p.prediction === p.label
          ? 0
          : 1,
    );
    errorWindow.push(p.window);
  }
  const detections: Detection[] = [];
  for (const d of m.detectors as DetectorName[]) {
    const det = makeDetector(d, m.detector_params as DetectorConfig);
    for (const i of detect(det, errors)) detections.push({ detector: d, item: i, window: errorWindow[i] });
  }
  base.windows = windows.map((w): WindowSummary => {
    const pairs = byWindow.get(w.idx) ?? [];
    const labels = labelCounts.get(w.idx);
    return {
      index: w.idx,
      firstRow: w.first_row,
      rows: w.rows,
      from: w.t_from,
      to: w.t_to,
      report: JSON.parse(w.report) as DriftReport,
      estimated: w.estimated ? (JSON.parse(w.estimated) as CbpeEstimate) : null,
      performance: pairs.length
        ? m.task === 'regression'
          ? regressionPerformance(pairs)
          : classificationPerformance(pairs)
        : null,
      labelShift:
        joint?.labelCounts && m.label
          ? labelShift(
              m.label,
              joint.labelCounts,
              labels ?? null,
              joint.confusion && predCounts.get(w.idx) ? bbse(joint.confusion, predCounts.get(w.idx)!) : null,
            )
          : null,
    };
  });
  base.detections = detections;
  const malformedCount = db
    .prepare('SELECT malformed_count FROM drift_monitors WHERE name = ?')
    .pluck()
    .get(name) as number;
  base.malformed = {
    count: malformedCount,
    first: db
      .prepare('SELECT file, line, reason FROM drift_malformed WHERE monitor = ? ORDER BY rowid LIMIT 20')
      .all(name) as MonitorState['malformed']['first'],
  };
  base.pendingRows = (JSON.parse(st.pending) as unknown[]).length;
  base.labels = { joined: errors.length, waiting };
  const last = base.windows.at(-1);
  base.alert = (last?.report.alert ?? false) || detections.some((d) => d.window === last?.index);
  base.lastRunAt = st.last_run_at;
  base.error = st.last_error;
  return base;
}

export function listMonitors(project: Project): MonitorSummary[] {
  return Object.keys(project.config.config.monitors).map((name) => {
    const m = project.config.config.monitors[name];
    const st = row(project, name);
    const last = st
      ? (project.db
          .prepare('SELECT report FROM drift_windows WHERE monitor = ? ORDER BY idx DESC LIMIT 1')
          .pluck()
          .get(name) as string | undefined)
      : undefined;
    const report = last ? (JSON.parse(last) as DriftReport) : null;
    return {
      name,
      reference: m.reference ?? 'the training data of the logged model',
      source: m.logs,
      windows: st
        ? (project.db
            .prepare('SELECT count(*) FROM drift_windows WHERE monitor = ?')
            .pluck()
            .get(name) as number)
        : 0,
      alert: report?.alert ?? false,
      driftedColumns: report ? report.columns.filter((c) => c.status === 'drift').map((c) => c.name) : [],
      lastRunAt: st?.last_run_at ?? null,
      error: st?.last_error ?? null,
    };
  });
}
