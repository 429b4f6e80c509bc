/**
 * Column statistics of one tabular file, computed once per stored content (electron/core/stats/) and
 * shared by validation profiles, drift references and the dataset views.
 */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export type ColumnKind = 'number' | 'string' | 'boolean' | 'temporal' | 'other';

export interface ColumnProfile {
  name: string;
  /** the type the reader gave the column (DuckDB's name: BIGINT, DOUBLE, VARCHAR, BOOLEAN, DATE…) */
  sqlType: string;
  kind: ColumnKind;
  /** non-null values */
  count: number;
  nulls: number;
  /** approximate (HyperLogLog, within a few percent) */
  distinct: number;
  /** numbers for numeric columns; ISO text for temporal ones; the lexical bounds for strings */
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  /** approximate quantiles (t-digest) at QUANTILES, numeric columns only */
  quantiles: { q: number; value: number }[] | null;
  /** HISTOGRAM_BINS equal-width bins over [min, max], numeric columns only; the last bin includes max */
  histogram: { edges: number[]; counts: number[] } | null;
  /** the most frequent values with their counts (up to TOP_VALUES), for non-numeric columns */
  top: { value: string; count: number }[] | null;
}

export interface TableProfile {
  format: DataFormat;
  rows: number;
  columns: ColumnProfile[];
}

export const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;

/**
 * A histogram's counts spread over other bin edges, assuming values are uniform within each bin: how
 * a reference version's distribution is drawn over the current version's bins when their ranges
 * differ. Values outside the target range are dropped (the chart shows the current range).
 */
export function rebin(from: { edges: number[]; counts: number[] }, edges: number[]): number[] {
  const out = new Array<number>(edges.length - 1).fill(0);
  from.counts.forEach((count, i) => {
    const lo = from.edges[i];
    const hi = from.edges[i + 1];
    if (count === 0) return;
    if (hi <= lo) {
      const j = edges.findIndex((e, k) => k < edges.length - 1 && lo >= e && lo <= edges[k + 1]);
      if (j >= 0) out[j] += count;
      return;
    }
    for (let j = 0; j < out.length; j++) {
      const overlap = Math.min(hi, edges[j + 1]) - Math.max(lo, edges[j]);
      if (overlap > 0) out[j] += (count * overlap) / (hi - lo);
    }
  });
  return out;
}
