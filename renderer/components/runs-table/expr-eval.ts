import { exprError, parseExpr, type Expr } from './expr-parse.js';
import { cellValue, type Column, type RunsTable } from './table.js';

type Type = 'number' | 'text' | 'bool' | 'null';
type Value = number | string | boolean | null;
interface Compiled {
  type: Type;
  /** set when the value is a literal, so comparisons against it can be specialised */
  literal?: Value;
  column?: Column;
  get: (row: number) => Value;
}

const GROUP_PREFIX = new Map<string, Column['group']>([
  ['params', 'param'],
  ['param', 'param'],
  ['metrics', 'metric'],
  ['metric', 'metric'],
  ['tags', 'tag'],
  ['tag', 'tag'],
]);
const GROUP_ORDER: Column['group'][] = ['param', 'metric', 'tag', 'field'];

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** Resolves a name as written to a column: exact key first, then `params.x`-style prefixes. */
export function resolveColumn(table: RunsTable, name: string, pos: number, end: number): Column {
  const matches = GROUP_ORDER.map((g) => table.byId.get(`${g}:${name}`)).filter(
    (c): c is Column => c !== undefined,
  );
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const spelled = matches.map((c) => `${c.group}s.${name}`).join(' or ');
    throw exprError(`'${name}' is ambiguous: write ${spelled}`, pos, end);
  }
  const dot = name.indexOf('.');
  if (dot > 0) {
    const group = GROUP_PREFIX.get(name.slice(0, dot).toLowerCase());
    const col = group ? table.byId.get(`${group}:${name.slice(dot + 1)}`) : undefined;
    if (col) return col;
  }
  const close = table.columns
    .map((c) => ({ key: c.key, d: distance(name.toLowerCase(), c.key.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((c) => `'${c.key}'`);
  const hint = close.length ? `; did you mean ${close.join(', ')}?` : '';
  throw exprError(`No column named '${name}'${hint}`, pos, end);
}

function describeType(t: Type): string {
  return t === 'text' ? 'text' : t === 'bool' ? 'true/false' : t === 'null' ? 'null' : 'a number';
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && v !== '' && !(typeof v === 'number' && Number.isNaN(v));
}

function compile(e: Expr, table: RunsTable): Compiled {
  switch (e.t) {
    case 'num':
      return { type: 'number', literal: e.v, get: () => e.v };
    case 'str':
      return { type: 'text', literal: e.v, get: () => e.v };
    case 'bool':
      return { type: 'bool', literal: e.v, get: () => e.v };
    case 'null':
      return { type: 'null', literal: null, get: () => null };
    case 'ident': {
      const col = resolveColumn(table, e.name, e.pos, e.end);
      return { type: col.kind === 'text' ? 'text' : 'number', column: col, get: (r) => cellValue(col, r) };
    }
    case 'neg': {
      const a = compile(e.arg, table);
      if (a.type !== 'number')
        throw exprError(`Only numbers can be negated, not ${describeType(a.type)}`, e.pos);
      return {
        type: 'number',
        get: (r) => {
          const v = a.get(r);
          return v === null ? null : -(v as number);
        },
      };
    }
    case 'not': {
      const a = compile(e.arg, table);
      return { type: 'bool', get: (r) => !truthy(a.get(r)) };
    }
    case 'logic': {
      const l = compile(e.l, table);
      const r = compile(e.r, table);
      return e.op === 'and'
        ? { type: 'bool', get: (row) => truthy(l.get(row)) && truthy(r.get(row)) }
        : { type: 'bool', get: (row) => truthy(l.get(row)) || truthy(r.get(row)) };
    }
    case 'arith': {
      const l = compile(e.l, table);
      const r = compile(e.r, table);
      for (const side of [l, r])
        if (side.type !== 'number')
          throw exprError(`'${e.op}' works on numbers, not ${describeType(side.type)}`, e.pos);
      const f = {
        '+': (a: number, b: number) => a + b,
        '-': (a: number, b: number) => a - b,
        '*': (a: number, b: number) => a * b,
        '/': (a: number, b: number) => a / b,
      }[e.op];
      return {
        type: 'number',
        get: (row) => {
          const a = l.get(row);
          const b = r.get(row);
          return a === null || b === null ? null : f(a as number, b as number);
        },
      };
    }
    case 'cmp':
      return compileCmp(e, compile(e.l, table), compile(e.r, table));
  }
}

/** A date written as text ("2026-11-01") compares with a time column as its epoch ms. */
function asTime(side: Compiled, other: Compiled, pos: number): Compiled {
  if (other.column?.kind !== 'time' || side.type !== 'text' || side.literal === undefined) return side;
  const ms = Date.parse(side.literal as string);
  if (Number.isNaN(ms))
    throw exprError(
      `'${String(side.literal)}' is not a date; write it like "2026-11-27" or "2026-11-27T10:00"`,
      pos,
    );
  return { type: 'number', literal: ms, get: () => ms };
}

function compileCmp(e: Extract<Expr, { t: 'cmp' }>, rawL: Compiled, rawR: Compiled): Compiled {
  const l = asTime(rawL, rawR, e.r.pos);
  const r = asTime(rawR, rawL, e.r.pos);
  if (l.type === 'null' || r.type === 'null') {
    if (e.op !== '==' && e.op !== '!=') throw exprError(`null can only be compared with == or !=`, e.pos);
    const v = l.type === 'null' ? r : l;
    return e.op === '=='
      ? { type: 'bool', get: (row) => v.get(row) === null }
      : { type: 'bool', get: (row) => v.get(row) !== null };
  }
  if (e.op === '~') {
    if (l.type !== 'text' || r.type !== 'text')
      throw exprError(
        `'~' (contains) works on text, not ${describeType(l.type === 'text' ? r.type : l.type)}`,
        e.pos,
      );
    return {
      type: 'bool',
      get: (row) => {
        const a = l.get(row);
        const b = r.get(row);
        return a !== null && b !== null && (a as string).toLowerCase().includes((b as string).toLowerCase());
      },
    };
  }
  // A true/false literal against a text column (booleans in params files are kept as text) compares as text.
  const lt = l.type === 'bool' && r.type === 'text' ? 'text' : l.type;
  const rt = r.type === 'bool' && l.type === 'text' ? 'text' : r.type;
  if (lt !== rt) {
    const name = e.l.t === 'ident' ? `'${e.l.name}'` : 'the left side';
    throw exprError(`${name} is ${describeType(l.type)} but is compared with ${describeType(r.type)}`, e.pos);
  }
  const asText = (v: Value) => (v === null ? null : String(v));
  const gl = lt === 'text' ? (row: number) => asText(l.get(row)) : l.get;
  const gr = rt === 'text' ? (row: number) => asText(r.get(row)) : r.get;
  type Prim = number | string | boolean;
  const tests: Record<Exclude<typeof e.op, '~'>, (a: Prim, b: Prim) => boolean> = {
    '<': (a, b) => a < b,
    '<=': (a, b) => a <= b,
    '>': (a, b) => a > b,
    '>=': (a, b) => a >= b,
    '==': (a, b) => a === b,
    '!=': (a, b) => a !== b,
  };
  const test = tests[e.op];
  return {
    type: 'bool',
    get: (row) => {
      const a = gl(row);
      const b = gr(row);
      return a !== null && b !== null && test(a, b);
    },
  };
}

export type RowPredicate = (row: number) => boolean;

/** Parses and type-checks `src` against the table's columns. Throws StrataError (BAD_REQUEST) with the column of the problem. */
export function compileFilter(src: string, table: RunsTable): RowPredicate {
  const c = compile(parseExpr(src), table);
  return (row) => truthy(c.get(row));
}
