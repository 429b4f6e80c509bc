import type { ColumnProfile, TableProfile } from '../../../shared/api/stats.js';
import {
  SAMPLE_ROWS,
  type CheckResult,
  type FailingRow,
  type FileReport,
} from '../../../shared/api/validation.js';
import { binSql, psi } from '../stats/distance.js';
import { describe, ident, literal, numLiteral, query } from '../stats/duck.js';
import { checkKind, type CheckKind, type Rule, type ValidationEntry } from './rules.js';

export interface Reference {
  version: number;
  profile: TableProfile | null;
  /** why the reference cannot be used for this file (it has no such file, it is unreadable) */
  missing: string | null;
}

interface Plan {
  check: Omit<CheckResult, 'status' | 'failing' | 'total' | 'observed' | 'expected' | 'message' | 'samples'>;
  /** SQL that is true for a failing row; its count is the check's failing rows */
  violation?: string;
  /** aggregate expressions computed in the same pass, by alias */
  aggregates?: Record<string, string>;
  /** SQL (over the numbered relation n) selecting failing rows, when not given by violation */
  sampleWhere?: string;
  columns: string[];
  judge(v: Record<string, unknown>, rows: number): Verdict;
}

type Verdict = Pick<CheckResult, 'status' | 'failing' | 'total' | 'observed' | 'expected' | 'message'>;

const fmt = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) < 1e-3
      ? n.toExponential(2)
      : n.toPrecision(6).replace(/\.?0+$/, '');
const pct = (n: number) => `${fmt(Math.round(n * 10000) / 100)}%`;

function boundsText(b: { min?: number; max?: number }): string {
  if (b.min !== undefined && b.max !== undefined) return `between ${fmt(b.min)} and ${fmt(b.max)}`;
  return b.min !== undefined ? `at least ${fmt(b.min)}` : `at most ${fmt(b.max!)}`;
}

/** The allowed band of a bound that may be relative to the reference's value. */
function band(
  b: { min?: number; max?: number; within_pct?: number },
  ref: number | null,
): { min: number; max: number; text: string } | null {
  let min = b.min ?? -Infinity;
  let max = b.max ?? Infinity;
  const parts: string[] = [];
  if (b.min !== undefined || b.max !== undefined) parts.push(boundsText(b));
  if (b.within_pct !== undefined) {
    if (ref === null) return null;
    const d = (Math.abs(ref) * b.within_pct) / 100;
    min = Math.max(min, ref - d);
    max = Math.min(max, ref + d);
    parts.push(`within ${fmt(b.within_pct)}% of the reference's ${fmt(ref)}`);
  }
  return { min, max, text: parts.join(' and ') };
}

const rowCheck = (failing: number, total: number, what: string): Verdict => ({
  status: failing === 0 ? 'pass' : 'fail',
  failing,
  total,
  observed: null,
  expected: null,
  message: failing === 0 ? `all ${total} rows pass` : `${failing} of ${total} rows where ${what}`,
});

function label(rule: Rule, kind: CheckKind): string {
  if (rule.name) return rule.name;
  const c = rule.column ?? '';
  switch (kind) {
    case 'type':
      return `${c} is ${rule.type}`;
    case 'not_null':
      return `${c} is never empty`;
    case 'max_null_share':
      return `${c} empty in at most ${pct(rule.max_null_share!)} of rows`;
    case 'unique_key':
      return rule.unique === true ? `${c} is unique` : `(${(rule.unique as string[]).join(', ')}) is unique`;
    case 'range':
      return `${c} ${boundsText(rule)}`;
    case 'allowed':
      return `${c} in {${rule.allowed!.join(', ')}}`;
    case 'regex':
      return `${c} matches /${rule.regex}/`;
    case 'length':
      return `length of ${c} ${boundsText(rule.length!)}`;
    case 'row_count':
      return `row count ${band(rule.row_count!, 0)?.text ?? ''}`.replace(/ of the reference's 0/, '');
    case 'duplicates':
      return `at most ${rule.duplicates!.max} duplicated rows`;
    case 'mean':
    case 'std':
      return `${kind} of ${c}`;
    case 'quantile':
      return `quantile ${rule.quantile!.q} of ${c}`;
    case 'drift':
      return `drift of ${c} (PSI below ${rule.drift!.psi})`;
    default:
      return kind;
  }
}

/** A check that could not be run: the rule names a column the file does not have, say. */
function broken(plan: Plan['check'], message: string): CheckResult {
  return {
    ...plan,
    status: 'error',
    failing: 0,
    total: 0,
    observed: null,
    expected: null,
    message,
    samples: [],
  };
}

function skipped(plan: Plan['check'], message: string): CheckResult {
  return {
    ...plan,
    status: 'skipped',
    failing: 0,
    total: 0,
    observed: null,
    expected: null,
    message,
    samples: [],
  };
}

/**
 * Runs an entry's tabular rules over one file: every count and aggregate in one scan, then, only for
 * the checks that failed, one more scan that numbers the rows and keeps the first few failing rows
 * of each.
 */
export async function evaluateFile(
  entry: ValidationEntry,
  from: string,
  allText: boolean,
  meta: { path: string; format: string },
  reference: Reference | null,
): Promise<FileReport> {
  const columns = await describe(from);
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const done: (CheckResult | null)[] = [];
  const plans: { at: number; plan: Plan }[] = [];
  const have = columns.map((c) => c.name).join(', ');
  const refCol = (name: string): ColumnProfile | null =>
    reference?.profile?.columns.find((c) => c.name === name) ?? null;

  if (entry.columns) {
    const check: Plan['check'] = {
      rule: -1,
      kind: 'columns',
      label: `columns ${entry.ordered ? 'in order ' : ''}${entry.columns.join(', ')}`,
      column: null,
      severity: 'error',
      where: entry.where(-1),
    };
    const missing = entry.columns.filter((c) => !types.has(c));
    const present = columns.map((c) => c.name).filter((c) => entry.columns!.includes(c));
    const outOfOrder =
      entry.ordered && missing.length === 0 && present.join('\0') !== entry.columns.join('\0');
    let message = 'all present' + (entry.ordered ? ' and in order' : '');
    if (missing.length) {
      message = `missing ${missing.map((m) => `"${m}"`).join(', ')}; the file has ${have}`;
      // One column whose name holds the real delimiter: the file is not delimited as its name says.
      if (columns.length === 1 && /[;|\t,]/.test(columns[0].name))
        message += ` (one column: is the file delimited by "${/[;|\t,]/.exec(columns[0].name)![0].replace('\t', '\\t')}"?)`;
    } else if (outOfOrder) message = `out of order: the file has ${present.join(', ')}`;
    const failing = missing.length + (outOfOrder ? 1 : 0);
    done.push({
      ...check,
      status: failing ? 'fail' : 'pass',
      failing,
      total: entry.columns.length,
      observed: null,
      expected: null,
      message,
      samples: [],
    });
  }

  entry.rules.forEach((rule, i) => {
    const kind = checkKind(rule);
    if (kind === 'file_count' || kind === 'file_size' || kind === 'extensions' || kind === 'required_files')
      return;
    const check: Plan['check'] = {
      rule: i,
      kind,
      label: label(rule, kind),
      column: rule.column ?? null,
      severity: rule.severity,
      where: entry.where(i),
    };
    const named = rule.column ? [rule.column] : Array.isArray(rule.unique) ? rule.unique : [];
    const absent = named.filter((c) => !types.has(c));
    if (absent.length) {
      const at = check.where ? ` (strata.yaml line ${check.where.line})` : '';
      done.push(
        broken(
          check,
          `the rule names ${absent.map((a) => `"${a}"`).join(', ')}, not a column of ${meta.path}${at}; its columns are ${have}`,
        ),
      );
      return;
    }
    const plan = planRule(rule, kind, check, types, allText, reference, refCol);
    if ('skip' in plan) done.push(skipped(check, plan.skip));
    else {
      done.push(null);
      plans.push({ at: done.length - 1, plan });
    }
  });

  const select = ['count(*) AS __rows'];
  plans.forEach(({ plan }, j) => {
    if (plan.violation) select.push(`count(*) FILTER (WHERE ${plan.violation}) AS v${j}`);
    for (const [alias, sql] of Object.entries(plan.aggregates ?? {})) select.push(`${sql} AS a${j}_${alias}`);
  });
  const [row] = await query(`SELECT ${select.join(', ')} FROM ${from}`);
  const rows = Number(row.__rows);

  const verdicts = plans.map(({ plan }, j) => {
    const values: Record<string, unknown> = { violations: row[`v${j}`] };
    for (const alias of Object.keys(plan.aggregates ?? {})) values[alias] = row[`a${j}_${alias}`];
    return plan.judge(values, rows);
  });

  const failed = plans.map(({ plan }, j) => (verdicts[j].status === 'fail' ? plan : null));
  const [rowSamples, keySamples] = await Promise.all([
    Promise.all(failed.map((p) => (p?.violation ? firstFailing(from, p.violation, p.columns) : []))),
    sampleRows(
      from,
      failed.map((p) => (p?.sampleWhere ? p : null)),
    ),
  ]);
  const samples = plans.map(({ plan }, j) => (plan.violation ? rowSamples[j] : (keySamples[j] ?? [])));
  plans.forEach(({ at, plan }, j) => {
    done[at] = { ...plan.check, ...verdicts[j], samples: samples[j] ?? [] };
  });
  return { path: meta.path, format: meta.format, rows, columns, error: null, checks: done as CheckResult[] };
}

/**
 * The first failing rows of a row rule, numbered in file order (WITH ORDINALITY: 1 = the first data
 * row). Run only for a rule that failed; the scan stops once it has them, so failures near the top
 * of the file cost little, and at worst one more scan per failing rule (they run side by side).
 */
async function firstFailing(from: string, violation: string, columns: string[]): Promise<FailingRow[]> {
  const cols = columns.map((c) => `, ${ident(c)}`).join('');
  const rows = await query(
    `SELECT ordinality AS __r${cols} FROM ${from} WITH ORDINALITY WHERE ${violation} LIMIT ${SAMPLE_ROWS}`,
  );
  return failingRows(rows);
}

function failingRows(value: unknown): FailingRow[] {
  return ((value as Record<string, unknown>[] | null) ?? [])
    .map(({ __r, ...values }) => ({ row: Number(__r), values }))
    .sort((a, b) => a.row - b.row);
}

/** Failing rows of aggregate checks (repeated keys, duplicated rows): one more scan, only when one failed. */
async function sampleRows(from: string, plans: (Plan | null)[]): Promise<FailingRow[][]> {
  if (plans.every((p) => p === null)) return [];
  const needed = [...new Set(plans.flatMap((p) => p?.columns ?? []))];
  const cols = needed.map(ident).join(', ');
  const parts = plans.map((p, j) => {
    if (!p) return `NULL AS s${j}`;
    const struct = `{${['__r', ...p.columns].map((c) => `${literal(c)}: ${ident(c)}`).join(', ')}}`;
    return `(SELECT list(s) FROM (SELECT ${struct} AS s FROM n WHERE ${p.sampleWhere} ORDER BY __r LIMIT ${SAMPLE_ROWS})) AS s${j}`;
  });
  const [row] = await query(
    `WITH n AS MATERIALIZED (SELECT row_number() OVER () AS __r${cols ? ', ' + cols : ''} FROM ${from}) SELECT ${parts.join(', ')}`,
  );
  return plans.map((_, j) => failingRows(row[`s${j}`]));
}

function planRule(
  rule: Rule,
  kind: CheckKind,
  check: Plan['check'],
  types: Map<string, string>,
  allText: boolean,
  reference: Reference | null,
  refCol: (name: string) => ColumnProfile | null,
): Plan | { skip: string } {
  const c = rule.column ?? '';
  const x = ident(c);
  const num = `TRY_CAST(${x} AS DOUBLE)`;
  const txt = `CAST(${x} AS VARCHAR)`;
  const base = { check, columns: rule.column ? [rule.column] : [] };
  const rowsWhere = (violation: string, what: string): Plan => ({
    ...base,
    violation,
    judge: (v, rows) => rowCheck(Number(v.violations), rows, what),
  });
  const needReference = (): string | null => {
    if (!reference) return 'no reference version to compare with (this is the first version)';
    if (reference.missing) return `reference version ${reference.version}: ${reference.missing}`;
    return null;
  };

  switch (kind) {
    case 'type': {
      const t = rule.type!;
      if (t === 'string') {
        const isText = allText || types.get(c) === 'VARCHAR';
        return rowsWhere(isText ? 'false' : `${x} IS NOT NULL`, `${c} is ${types.get(c)}, not text`);
      }
      const test =
        t === 'number'
          ? `${num} IS NULL`
          : t === 'integer'
            ? `(${num} IS NULL OR ${num} <> trunc(${num}))`
            : t === 'boolean'
              ? `TRY_CAST(${x} AS BOOLEAN) IS NULL`
              : `(TRY_CAST(${x} AS DATE) IS NULL AND TRY_CAST(${x} AS TIMESTAMP) IS NULL)`;
      return rowsWhere(`${x} IS NOT NULL AND ${test}`, `${c} is not ${t === 'integer' ? 'an' : 'a'} ${t}`);
    }
    case 'not_null':
      return rowsWhere(`${x} IS NULL`, `${c} is empty`);
    case 'max_null_share': {
      const max = rule.max_null_share!;
      return {
        ...base,
        violation: `${x} IS NULL`,
        judge: (v, rows) => {
          const n = Number(v.violations);
          const share = rows ? n / rows : 0;
          return {
            status: share <= max ? 'pass' : 'fail',
            failing: share <= max ? 0 : n,
            total: rows,
            observed: share,
            expected: max,
            message: `${c} is empty in ${n} of ${rows} rows (${pct(share)}; at most ${pct(max)} allowed)`,
          };
        },
      };
    }
    case 'range': {
      const conds = [`${num} IS NULL`];
      if (rule.min !== undefined) conds.push(`${num} < ${numLiteral(rule.min)}`);
      if (rule.max !== undefined) conds.push(`${num} > ${numLiteral(rule.max)}`);
      return rowsWhere(
        `${x} IS NOT NULL AND (${conds.join(' OR ')})`,
        `${c} is not a number ${boundsText(rule)}`,
      );
    }
    case 'allowed': {
      const values = rule.allowed!;
      const numeric = values.every((v) => typeof v === 'number');
      const list = numeric
        ? values.map((v) => numLiteral(v as number)).join(', ')
        : values.map((v) => literal(String(v))).join(', ');
      return rowsWhere(
        `${x} IS NOT NULL AND ${numeric ? num : txt} NOT IN (${list})`,
        `${c} is not one of the allowed values`,
      );
    }
    case 'regex':
      return rowsWhere(
        `${x} IS NOT NULL AND NOT regexp_matches(${txt}, ${literal(rule.regex!)})`,
        `${c} does not match /${rule.regex}/`,
      );
    case 'length': {
      const b = rule.length!;
      const conds: string[] = [];
      if (b.min !== undefined) conds.push(`length(${txt}) < ${b.min}`);
      if (b.max !== undefined) conds.push(`length(${txt}) > ${b.max}`);
      return rowsWhere(
        `${x} IS NOT NULL AND (${conds.join(' OR ')})`,
        `the length of ${c} is not ${boundsText(b)}`,
      );
    }
    case 'unique_key': {
      const keys = rule.unique === true ? [c] : (rule.unique as string[]);
      const tuple = keys.length === 1 ? ident(keys[0]) : `(${keys.map(ident).join(', ')})`;
      const counted = keys.length === 1 ? `count(${tuple})` : 'count(*)';
      const notNull = keys.length === 1 ? ` WHERE ${tuple} IS NOT NULL` : '';
      return {
        ...base,
        columns: keys,
        aggregates: { extra: `${counted} - count(DISTINCT ${tuple})` },
        sampleWhere: `${tuple} IN (SELECT ${tuple} FROM n${notNull} GROUP BY ALL HAVING count(*) > 1)`,
        judge: (v, rows) => {
          const extra = Number(v.extra);
          return {
            status: extra === 0 ? 'pass' : 'fail',
            failing: extra,
            total: rows,
            observed: null,
            expected: null,
            message:
              extra === 0
                ? `no repeated ${keys.join(', ')}`
                : `${extra} ${extra === 1 ? 'row repeats' : 'rows repeat'} a ${keys.join(', ')} seen in an earlier row`,
          };
        },
      };
    }
    case 'duplicates': {
      const all = [...types.keys()];
      const tuple = all.length === 1 ? ident(all[0]) : `(${all.map(ident).join(', ')})`;
      const max = rule.duplicates!.max;
      return {
        ...base,
        columns: all,
        aggregates: { extra: `count(*) - count(DISTINCT ${tuple})` },
        sampleWhere: `${tuple} IN (SELECT ${tuple} FROM n GROUP BY ALL HAVING count(*) > 1)`,
        judge: (v, rows) => {
          const extra = Number(v.extra);
          return {
            status: extra <= max ? 'pass' : 'fail',
            failing: extra <= max ? 0 : extra,
            total: rows,
            observed: extra,
            expected: max,
            message: `${extra} rows repeat an earlier row exactly (at most ${max} allowed)`,
          };
        },
      };
    }
    case 'row_count': {
      const b = rule.row_count!;
      if (b.within_pct !== undefined) {
        const why = needReference();
        if (why) return { skip: why };
      }
      return {
        ...base,
        judge: (_v, rows) => {
          const range = band(b, reference?.profile?.rows ?? null)!;
          const ok = rows >= range.min && rows <= range.max;
          return {
            status: ok ? 'pass' : 'fail',
            failing: ok ? 0 : 1,
            total: 1,
            observed: rows,
            expected: reference?.profile?.rows ?? null,
            message: `${rows} rows; expected ${range.text}`,
          };
        },
      };
    }
    case 'mean':
    case 'std':
    case 'quantile': {
      const b = kind === 'quantile' ? rule.quantile! : kind === 'mean' ? rule.mean! : rule.std!;
      let refValue: number | null = null;
      if (b.within_pct !== undefined) {
        const why = needReference();
        if (why) return { skip: why };
        const col = refCol(c);
        if (!col) return { skip: `reference version ${reference!.version} has no column ${c}` };
        if (kind === 'quantile') {
          const q = col.quantiles?.find((p) => Math.abs(p.q - rule.quantile!.q) < 1e-9);
          if (!q)
            return {
              skip: `the reference profile holds quantiles ${col.quantiles?.map((p) => p.q).join(', ') ?? 'of numeric columns only'}; compare q=${rule.quantile!.q} with min/max instead`,
            };
          refValue = q.value;
        } else refValue = kind === 'mean' ? col.mean : col.std;
        if (refValue === null) return { skip: `the reference's ${c} has no ${kind} (not numeric, or empty)` };
      }
      const agg =
        kind === 'mean'
          ? `avg(${num})`
          : kind === 'std'
            ? `stddev_samp(${num})`
            : `quantile_cont(${num}, ${numLiteral(rule.quantile!.q)})`;
      return {
        ...base,
        aggregates: { value: `${agg}::DOUBLE` },
        judge: (v) => {
          const value = v.value === null || v.value === undefined ? null : Number(v.value);
          const range = band(b, refValue)!;
          const ok = value !== null && value >= range.min && value <= range.max;
          return {
            status: ok ? 'pass' : 'fail',
            failing: ok ? 0 : 1,
            total: 1,
            observed: value,
            expected: refValue,
            message: `${value === null ? 'no numeric values' : fmt(value)}; expected ${range.text}`,
          };
        },
      };
    }
    case 'drift': {
      const why = needReference();
      if (why) return { skip: why };
      const col = refCol(c);
      if (!col) return { skip: `reference version ${reference!.version} has no column ${c}` };
      const bins = binSql(col);
      if (!bins) return { skip: `the reference's ${c} has no values to compare with` };
      const threshold = rule.drift!.psi;
      return {
        ...base,
        aggregates: { hist: `histogram(${bins.expr}) FILTER (WHERE ${x} IS NOT NULL)` },
        judge: (v) => {
          const current = new Array<number>(bins.bins).fill(0);
          for (const e of (v.hist as { key: number; value: number }[] | null) ?? []) current[e.key] = e.value;
          const value = psi(bins.reference, current);
          const ok = value < threshold;
          return {
            status: ok ? 'pass' : 'fail',
            failing: ok ? 0 : 1,
            total: 1,
            observed: value,
            expected: threshold,
            message: `PSI ${fmt(value)} against version ${reference!.version} (must stay below ${fmt(threshold)})`,
          };
        },
      };
    }
    default:
      throw new Error(`not a tabular check: ${kind}`);
  }
}
