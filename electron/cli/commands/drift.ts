import fs from 'node:fs';
import path from 'node:path';
import type { ColumnDrift, DriftReport } from '../../../shared/api/drift.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';

const num = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(4);

function columnLine(c: ColumnDrift): string {
  const mark =
    c.status === 'drift' || c.status === 'missing_in_current' ? 'DRIFT' : c.status === 'ok' ? 'ok' : '-';
  const stats =
    c.kind === 'numeric'
      ? `ks ${num(c.ks?.statistic)} p ${num(c.ks?.pvalue)}  wasserstein/std ${num(c.wasserstein?.normalised)}  psi ${num(c.psi?.value)}`
      : `chi2 p ${num(c.chi2?.pvalue)}  js ${num(c.jensenShannon?.distance)}  psi ${num(c.psi?.value)}${c.newCategories?.length ? `  new: ${c.newCategories.slice(0, 5).join(', ')}` : ''}`;
  return `  ${mark.padEnd(5)} ${c.name.padEnd(20)} ${c.kind === 'numeric' ? 'num' : 'cat'}  ${c.status === 'ok' || c.status === 'drift' ? stats : ''}${c.message ? `  (${c.message})` : ''}`;
}

export function printReport(io: Io, r: DriftReport): void {
  io.out(
    `${r.reference.label} (${r.reference.rows} rows) -> ${r.current.label} (${r.current.rows} rows): ${r.drifted} of ${r.judged} columns drifted (${(r.share * 100).toFixed(0)}%; dataset drift at ${(r.settings.datasetDriftShare * 100).toFixed(0)}%)`,
  );
  for (const c of r.columns) io.out(columnLine(c));
  io.out(r.datasetDrift ? 'dataset drift: YES' : 'dataset drift: no');
}

/** A file named on the command line is relative to where the command runs, not to the project. */
function fromCwd(spec: string): string {
  const p = path.resolve(spec);
  return !spec.includes('@') && fs.existsSync(p) ? p : spec;
}

export const driftCommand: Command = {
  name: 'drift',
  summary: 'compare the distribution of every column of two dataset versions (or files)',
  usage: 'strata drift <reference> <current> [--columns a,b] [--json]',
  description:
    'Each side is a dataset version (artifact@ref) or a CSV, JSONL or Parquet file. Exits 1 when the dataset-level verdict is drift (the share of drifted columns reaches the threshold; docs/drift.md).',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    columns: { type: 'string', help: 'only these columns, comma-separated' },
  },
  async run(args, io) {
    if (args.positional.length !== 2)
      throw new UsageError('strata drift takes a reference and a current sample, e.g. data@1 data@2');
    const columns =
      typeof args.flags.columns === 'string'
        ? args.flags.columns
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : undefined;
    return withProject(args.flags, async (api) => {
      const report = await api.call('drift.compare', {
        reference: fromCwd(args.positional[0]),
        current: fromCwd(args.positional[1]),
        columns,
      });
      if (args.flags.json) printJson(io, report);
      else printReport(io, report);
      return report.datasetDrift ? 1 : 0;
    });
  },
};
