// A monitor's drift report as two files named by their content: the report's data as canonical JSON and
// the self-contained HTML page drawn from it. The same windows give the same bytes, so the sha256 in a
// file's name is its identity and anyone can check it (`sha256sum`), with or without Strata.
import crypto from 'node:crypto';
import type { DriftReportContent, DriftReportFile, MonitorState } from '../../../shared/api/drift.js';
import { driftReportHtml } from './html.js';

/** Bump when the same monitor state would be written differently. */
export const DRIFT_REPORT_FORMAT = 'strata.drift-report/1';

/**
 * What a report holds: the monitor's windows, detections, labels and malformed lines. Left out, by
 * design, is what describes the moment of asking rather than the data — when it last ran, its last
 * error, files still being written or skipped now — and each window's computing time, which differs
 * between two runs over the same logs.
 */
export function reportContent(s: MonitorState): DriftReportContent {
  const {
    lastRunAt: _lastRunAt,
    error: _error,
    unsettled: _unsettled,
    special: _special,
    windows,
    ...rest
  } = s;
  return {
    format: DRIFT_REPORT_FORMAT,
    ...rest,
    windows: windows.map((w) => {
      const { computedMs: _computedMs, ...report } = w.report;
      return { ...w, report };
    }),
  };
}

/** JSON with every object's keys in a fixed order (sorted; integer-like keys first, as JavaScript orders them), so equal content is equal text whatever built it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

function named(monitor: string, text: string, ext: string): DriftReportFile {
  const hash = sha256(text);
  // The monitor's name is the user's: only what is safe in a file name is kept.
  const base = monitor.replace(/[^A-Za-z0-9._-]+/g, '_');
  return { fileName: `drift-${base}-${hash.slice(0, 16)}.${ext}`, text, sha256: hash };
}

export function driftReportFiles(s: MonitorState): { json: DriftReportFile; html: DriftReportFile } {
  const content = reportContent(s);
  const json = named(s.name, `${canonicalJson(content)}\n`, 'json');
  return { json, html: named(s.name, driftReportHtml(content, json.sha256), 'html') };
}
