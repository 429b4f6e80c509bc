// How every benchmark states a figure: the value, the comparator measured beside it in the same
// script (its label says what it does and what differs from ours), and the target when there
// is one. Lines go to stdout for people; each figure is also appended as one JSON line to the file in
// STRATA_BENCH_RESULTS (set by scripts/bench.js), so `npm run bench -- --check` can list them all
// and exit non-zero when a target is missed.
import fs from 'node:fs';
import path from 'node:path';

/** `npm run bench -- --small`: scaled-down data, to check that the benchmarks and --check work. */
export const SMALL = process.env.STRATA_BENCH_SMALL === '1';

/** The size, or the small one under --small; an explicit environment variable wins over both. */
export function size(envName: string, full: number, small: number): number {
  const set = process.env[envName];
  return set ? Number(set) : SMALL ? small : full;
}

export interface Target {
  /** what the target bounds: the figure itself, or the figure divided by its comparator */
  on: 'value' | 'ratio';
  op: '<=' | '>=';
  limit: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  comparator?: { label: string; value: number };
  targets?: Target[];
}

export interface FigureRecord extends Figure {
  bench: string;
  small: boolean;
  ratio: number | null;
  verdicts: { target: Target; pass: boolean }[];
  /** the printed line, prefixed with the benchmark's name, for the summary of `npm run bench` */
  line: string;
}

const bench = path.basename(process.argv[1] ?? 'bench', '.ts');

function show(x: number, unit: string): string {
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  const text = x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit === '×' ? `${text}×` : `${text} ${unit}`;
}

function targetText(t: Target, unit: string): string {
  return `${t.on === 'ratio' ? 'ratio ' : ''}${t.op === '<=' ? '≤' : '≥'} ${show(t.limit, t.on === 'ratio' ? '×' : unit)}`;
}

/** Prints one figure beside its comparator and targets, and records it for --check. */
export function figure(f: Figure): FigureRecord {
  const ratio = f.comparator && f.comparator.value !== 0 ? f.value / f.comparator.value : null;
  const verdicts = (f.targets ?? []).map((target) => {
    const x = target.on === 'ratio' ? ratio : f.value;
    const pass = x !== null && (target.op === '<=' ? x <= target.limit : x >= target.limit);
    return { target, pass };
  });
  const parts = [`${f.name}: ${show(f.value, f.unit)}`];
  if (f.comparator)
    parts.push(
      `comparator, ${f.comparator.label}: ${show(f.comparator.value, f.unit)}` +
        (ratio === null ? '' : ` (ratio ${show(ratio, '×')})`),
    );
  for (const v of verdicts) parts.push(`target ${targetText(v.target, f.unit)}: ${v.pass ? 'PASS' : 'MISS'}`);
  console.log(`  ${parts.join(' | ')}`);
  const record: FigureRecord = {
    ...f,
    bench,
    small: SMALL,
    ratio,
    verdicts,
    line: `${bench}: ${parts.join(' | ')}`,
  };
  const out = process.env.STRATA_BENCH_RESULTS;
  if (out) fs.appendFileSync(out, JSON.stringify(record) + '\n');
  return record;
}

/** A note printed with the figures (sizes, conditions) that is not itself a figure. */
export function note(text: string): void {
  console.log(`  ${text}`);
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
