// Two large tables compared on every core: the columns are shared out to worker threads (sorting a
// million values is most of a column's cost), the verdicts are given once all are back.
import os from 'node:os';
import type { DriftReport, DriftSettings } from '../../../shared/api/drift.js';
import { runWorker } from '../jobs/worker.js';
import { columnNames, finishReport } from './compare.js';
import type { ColumnsAnswer, ColumnsJob } from './columns-worker.js';
import type { Profile } from './profile.js';
import type { ColumnData, Table } from './table.js';

/** Below this many cells a second thread costs more to start than it saves. */
const PARALLEL_MIN_CELLS = 2_000_000;

function cost(c: ColumnData | undefined): number {
  // Sorting numbers costs several passes over them; counting categories one.
  return c ? (c.kind === 'numeric' ? 4 : 1) * (c.kind === 'numeric' ? c.values.length : c.codes.length) : 0;
}

/** Columns shared out so each thread gets about the same work (largest first, to the least loaded). */
function shares(names: string[], reference: Table, current: Table, threads: number): string[][] {
  const ref = new Map(reference.columns.map((c) => [c.name, c]));
  const cur = new Map(current.columns.map((c) => [c.name, c]));
  const weighted = names
    .map((n) => ({ n, w: cost(ref.get(n)) + cost(cur.get(n)) }))
    .sort((a, b) => b.w - a.w);
  const out = Array.from({ length: threads }, () => ({ names: [] as string[], load: 0 }));
  for (const { n, w } of weighted) {
    const least = out.reduce((a, b) => (b.load < a.load ? b : a));
    least.names.push(n);
    least.load += w;
  }
  return out.map((s) => s.names).filter((s) => s.length > 0);
}

const only = (t: Table, names: string[]): Table => {
  const keep = new Set(names);
  return { rows: t.rows, columns: t.columns.filter((c) => keep.has(c.name)) };
};

/** The drift report of two tables, and both sides' profiles (for the cache). */
export async function compareTables(
  reference: Table,
  current: Table,
  labels: { reference: string; current: string },
  settings: Partial<DriftSettings> = {},
  columns?: string[],
): Promise<{ report: DriftReport; reference: Profile; current: Profile }> {
  const started = performance.now();
  const names = columns ?? columnNames(reference, current);
  const cells = reference.rows * reference.columns.length + current.rows * current.columns.length;
  const threads = cells < PARALLEL_MIN_CELLS ? 1 : Math.max(1, Math.min(4, os.availableParallelism()));
  const answers = await Promise.all(
    shares(names, reference, current, threads).map((part) =>
      runWorker<ColumnsJob, ColumnsAnswer>(new URL('./columns-worker.js', import.meta.url), {
        reference: only(reference, part),
        current: only(current, part),
        names: part,
        settings,
      }),
    ),
  );
  const byName = new Map(answers.flatMap((a) => a.columns).map((c) => [c.name, c]));
  const report = finishReport(
    names.map((n) => byName.get(n)!),
    { reference: reference.rows, current: current.rows },
    labels,
    settings,
    started,
  );
  const order = (side: 'reference' | 'current', t: Table): Profile => {
    const all = new Map(answers.flatMap((a) => a[side]).map((c) => [c.name, c]));
    return { rows: t.rows, columns: t.columns.map((c) => all.get(c.name)).filter((c) => c !== undefined) };
  };
  return { report, reference: order('reference', reference), current: order('current', current) };
}
