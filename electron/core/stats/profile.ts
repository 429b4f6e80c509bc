import {
  HISTOGRAM_BINS,
  QUANTILES,
  TOP_VALUES,
  type ColumnKind,
  type ColumnProfile,
  type DataFormat,
  type TableProfile,
} from '../../../shared/api/stats.js';
import { describe, ident, literal, query } from './duck.js';

export function kindOf(sqlType: string): ColumnKind {
  const t = sqlType.toUpperCase();
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'VARCHAR') return 'string';
  if (/^(DATE|TIME|TIMESTAMP)/.test(t)) return 'temporal';
  return 'other';
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Per-column statistics of the relation `from` (a DuckDB table function over one file), in three
 * streaming passes so memory stays bounded whatever the row count: counts and moments, then histograms
 * over the bounds the first pass found, then counts of the most frequent values.
 */
export async function profileRelation(from: string, format: DataFormat): Promise<TableProfile> {
  const cols = (await describe(from)).map((c) => ({ ...c, kind: kindOf(c.type) }));
  const first: string[] = ['count(*) AS "rows"'];
  cols.forEach((c, i) => {
    const x = ident(c.name);
    first.push(`count(${x}) AS c${i}_count`, `approx_count_distinct(${x}) AS c${i}_distinct`);
    if (c.kind === 'number') {
      first.push(
        `min(${x})::DOUBLE AS c${i}_min`,
        `max(${x})::DOUBLE AS c${i}_max`,
        `avg(${x})::DOUBLE AS c${i}_mean`,
        `stddev_samp(${x})::DOUBLE AS c${i}_std`,
        `approx_quantile(${x}::DOUBLE, [${QUANTILES.join(', ')}]) AS c${i}_q`,
      );
    } else if (c.kind === 'string' || c.kind === 'temporal') {
      first.push(`min(${x})::VARCHAR AS c${i}_min`, `max(${x})::VARCHAR AS c${i}_max`);
    }
    if (c.kind !== 'number') first.push(`approx_top_k(${x}::VARCHAR, ${TOP_VALUES}) AS c${i}_top`);
  });
  const [a] = await query(`SELECT ${first.join(', ')} FROM ${from}`);
  const rows = Number(a.rows);

  const hist = new Map<number, number[]>();
  const numeric = cols
    .map((c, i) => ({ c, i, min: num(a[`c${i}_min`]), max: num(a[`c${i}_max`]) }))
    .filter(
      (x) =>
        x.c.kind === 'number' &&
        x.min !== null &&
        x.max !== null &&
        Number.isFinite(x.min) &&
        Number.isFinite(x.max),
    );
  if (numeric.length) {
    const parts = numeric.map(({ c, i, min, max }) => {
      const width = max! > min! ? (max! - min!) / HISTOGRAM_BINS : 1;
      const bin = `least(floor((${ident(c.name)}::DOUBLE - ${min}) / ${width})::INTEGER, ${HISTOGRAM_BINS - 1})`;
      // least() skips NULLs, so a NULL would land in the last bin without the filter.
      return `histogram(${bin}) FILTER (WHERE ${ident(c.name)} IS NOT NULL) AS h${i}`;
    });
    const [h] = await query(`SELECT ${parts.join(', ')} FROM ${from}`);
    for (const { i } of numeric) {
      const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
      for (const e of (h[`h${i}`] as { key: number | null; value: number }[]) ?? [])
        if (e.key !== null) counts[e.key] = e.value;
      hist.set(i, counts);
    }
  }

  const topParts: string[] = [];
  cols.forEach((c, i) => {
    const values = (a[`c${i}_top`] as (string | null)[] | undefined)?.filter((v): v is string => v !== null);
    values?.forEach((v, j) =>
      topParts.push(`count(*) FILTER (WHERE ${ident(c.name)}::VARCHAR = ${literal(v)}) AS t${i}_${j}`),
    );
  });
  const [t] = topParts.length ? await query(`SELECT ${topParts.join(', ')} FROM ${from}`) : [{}];

  const columns = cols.map((c, i): ColumnProfile => {
    const count = Number(a[`c${i}_count`]);
    const min = a[`c${i}_min`] as number | string | null | undefined;
    const max = a[`c${i}_max`] as number | string | null | undefined;
    const counts = hist.get(i);
    const lo = num(min);
    const hi = num(max);
    const topValues = (a[`c${i}_top`] as (string | null)[] | undefined)?.filter(
      (v): v is string => v !== null,
    );
    return {
      name: c.name,
      sqlType: c.type,
      kind: c.kind,
      count,
      nulls: rows - count,
      distinct: Math.min(Number(a[`c${i}_distinct`]), count),
      min: min ?? null,
      max: max ?? null,
      mean: c.kind === 'number' ? num(a[`c${i}_mean`]) : null,
      std: c.kind === 'number' ? num(a[`c${i}_std`]) : null,
      quantiles:
        c.kind === 'number' && count > 0
          ? QUANTILES.map((q, j) => ({ q, value: Number((a[`c${i}_q`] as number[])[j]) }))
          : null,
      histogram:
        counts && lo !== null && hi !== null
          ? {
              edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, j) =>
                hi > lo ? lo + ((hi - lo) * j) / HISTOGRAM_BINS : lo + j,
              ),
              counts,
            }
          : null,
      top: topValues
        ? topValues
            .map((value, j) => ({ value, count: Number(t[`t${i}_${j}`] ?? 0) }))
            .sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1))
        : null,
    };
  });
  return { format, rows, columns };
}
