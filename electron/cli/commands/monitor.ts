import fs from 'node:fs';
import path from 'node:path';
import type { MonitorState } from '../../../shared/api/drift.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

function printState(io: Io, s: MonitorState): void {
  const last = s.windows.at(-1);
  io.out(
    `monitor ${s.name}: reference ${s.reference}, logs ${s.source}: ${s.windows.length} windows, ${s.pendingRows} rows waiting for the next${s.alert ? '  ALERT' : ''}`,
  );
  if (s.error) io.out(`  error: ${s.error}`);
  if (s.unsettled.length) io.out(`  still being written (read once settled): ${s.unsettled.join(', ')}`);
  for (const f of s.special) io.out(`  skipped ${f.file}: a ${f.kind}, not a log file`);
  if (s.malformed.count) {
    io.out(`  ${s.malformed.count} malformed lines skipped:`);
    for (const m of s.malformed.first.slice(0, 5)) io.out(`    ${m.file}:${m.line}: ${m.reason}`);
  }
  if (last) {
    const drifted = last.report.columns.filter(
      (c) => c.status === 'drift' || c.status === 'missing_in_current',
    );
    io.out(
      `  window ${last.index + 1} (rows ${last.firstRow + 1}-${last.firstRow + last.rows}): ${drifted.length} of ${last.report.judged} columns drifted${drifted.length ? `: ${drifted.map((c) => `${c.name} (${c.message})`).join('; ')}` : ''}`,
    );
    const short = last.report.columns.filter((c) => c.status === 'not_enough_data');
    if (short.length) io.out(`  not enough data: ${short.map((c) => c.name).join(', ')}`);
    if (last.performance?.accuracy !== undefined)
      io.out(`  accuracy ${last.performance.accuracy.toFixed(4)} on ${last.performance.labelled} labels`);
    if (last.estimated)
      io.out(
        `  estimated accuracy (CBPE) ${last.estimated.accuracy.toFixed(4)} [${last.estimated.low.toFixed(4)}, ${last.estimated.high.toFixed(4)}]`,
      );
  }
  io.out(`  labels: ${s.labels.joined} joined, ${s.labels.waiting} predictions waiting for theirs`);
  for (const d of s.detections)
    io.out(`  concept drift: ${d.detector} at labelled item ${d.item + 1} (window ${d.window + 1})`);
}

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'run drift monitors over their prediction logs and show their windows',
  usage: 'strata monitor [<name>] [--json] [--report <folder>]',
  description:
    "Reads the new lines of each monitor's logs (declared under monitors: in strata.yaml), compares every full window with the reference and joins labels. Exits 1 when a monitor's newest window raises an alert.",
  flags: {
    ...projectFlag,
    ...jsonFlag,
    report: {
      type: 'string',
      help: "write each monitor's drift report (HTML and JSON, each named by its sha256) into this folder",
    },
  },
  async run(args, io) {
    if (args.positional.length > 1) throw new UsageError('strata monitor takes at most one monitor name');
    return withProject(args.flags, async (api) => {
      const names = args.positional.length
        ? args.positional
        : (await api.call('drift.monitors', {})).map((m) => m.name);
      const states: MonitorState[] = [];
      for (const name of names) states.push(await api.call('drift.monitor', { name, run: true }));
      const dir = args.flags.report;
      if (dir !== undefined) {
        if (typeof dir !== 'string' || !dir) throw new UsageError('--report needs the folder to write into');
        fs.mkdirSync(dir, { recursive: true });
        for (const s of states) {
          const files = await api.call('drift.report', { name: s.name });
          for (const f of [files.html, files.json]) {
            const out = path.resolve(dir, f.fileName);
            const tmp = `${out}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, f.text);
            fs.renameSync(tmp, out);
            if (!args.flags.json) io.out(`wrote ${out} (sha256 ${f.sha256})`);
          }
        }
      }
      if (args.flags.json) printJson(io, args.positional.length ? states[0] : states);
      else if (states.length === 0) io.out('No monitors in strata.yaml (declare them under monitors:).');
      else for (const s of states) printState(io, s);
      return states.some((s) => s.alert) ? 1 : 0;
    });
  },
};
