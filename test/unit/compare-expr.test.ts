import { describe, expect, it } from 'vitest';
import { ColumnarBuilder } from '../../electron/core/compare/columnar.js';
import { decodeTable, type RunsTable } from '../../renderer/components/runs-table/table.js';
import { compileFilter } from '../../renderer/components/runs-table/expr-eval.js';
import { parseExpr } from '../../renderer/components/runs-table/expr-parse.js';
import { StrataError } from '../../shared/errors.js';

interface Row {
  name: string;
  status: string;
  started?: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  tags?: Record<string, string>;
}

function tableOf(rows: Row[]): RunsTable {
  const b = new ColumnarBuilder(rows.length);
  b.declare('field', 'started', 'time');
  rows.forEach((r, i) => {
    b.set('field', 'name', i, r.name);
    b.set('field', 'status', i, r.status);
    b.set('field', 'started', i, r.started ?? null);
    for (const [k, v] of Object.entries(r.params)) b.set('param', k, i, v);
    for (const [k, v] of Object.entries(r.metrics)) b.set('metric', k, i, v);
    for (const [k, v] of Object.entries(r.tags ?? {})) b.set('tag', k, i, v);
  });
  return decodeTable({
    count: rows.length,
    ids: rows.map((_, i) => `run-${i}`),
    columns: b.build(),
    readAt: 0,
  });
}

const table = tableOf([
  {
    name: 'a',
    status: 'done',
    started: Date.parse('2026-11-01T10:00:00Z'),
    params: { lr: 0.001, opt: 'adam', depth: 4, shuffle: true },
    metrics: { acc: 0.95, loss: 0.2 },
    tags: { best: 'yes' },
  },
  {
    name: 'b',
    status: 'done',
    started: Date.parse('2026-11-10T10:00:00Z'),
    params: { lr: 0.1, opt: 'sgd', depth: 8, shuffle: false },
    metrics: { acc: 0.91, loss: 0.4 },
  },
  {
    name: 'c',
    status: 'failed',
    started: Date.parse('2026-11-20T10:00:00Z'),
    params: { lr: 0.005, opt: 'adam', depth: 2 },
    metrics: { acc: 0.5 },
  },
  {
    name: 'big-adam',
    status: 'done',
    params: { lr: 0.0001, opt: 'AdamW', depth: 16, shuffle: true },
    metrics: { acc: Number.NaN, loss: 0.1 },
  },
]);

function rowsMatching(src: string, t = table): string[] {
  const pred = compileFilter(src, t);
  const names = t.byId.get('field:name')!;
  const out: string[] = [];
  for (let r = 0; r < t.count; r++)
    if (pred(r)) out.push(names.kind === 'text' ? names.dict[names.codes[r]] : '');
  return out;
}

function errorOf(src: string, t = table): StrataError {
  try {
    compileFilter(src, t);
  } catch (err) {
    expect(err).toBeInstanceOf(StrataError);
    return err as StrataError;
  }
  throw new Error(`expected ${src} to be rejected`);
}

describe('filter expressions: evaluation', () => {
  it('combines numeric comparisons with and / or and respects precedence', () => {
    expect(rowsMatching('lr < 0.01 and acc > 0.9')).toEqual(['a']);
    expect(rowsMatching('lr < 0.01 && acc > 0.9 || status == "failed"')).toEqual(['a', 'c']);
    expect(rowsMatching('lr < 0.01 and (acc > 0.9 or status = "failed")')).toEqual(['a', 'c']);
    expect(rowsMatching('not (depth >= 8)')).toEqual(['a', 'c']);
  });

  it('does arithmetic between columns', () => {
    expect(rowsMatching('acc - loss > 0.6')).toEqual(['a']);
    expect(rowsMatching('depth * 2 == 16')).toEqual(['b']);
    expect(rowsMatching('-depth < -10')).toEqual(['big-adam']);
  });

  it('never matches a missing value or NaN, except through null checks', () => {
    expect(rowsMatching('loss > 0')).toEqual(['a', 'b', 'big-adam']);
    expect(rowsMatching('loss == null')).toEqual(['c']);
    expect(rowsMatching('loss != null')).toEqual(['a', 'b', 'big-adam']);
    expect(rowsMatching('acc > 0 or acc <= 0')).toEqual(['a', 'b', 'c']);
  });

  it('compares text exactly, ~ as case-insensitive contains, booleans as text', () => {
    expect(rowsMatching("opt == 'adam'")).toEqual(['a', 'c']);
    expect(rowsMatching('opt ~ "ADAM"')).toEqual(['a', 'c', 'big-adam']);
    expect(rowsMatching('shuffle == true')).toEqual(['a', 'big-adam']);
    expect(rowsMatching('name ~ "big"')).toEqual(['big-adam']);
  });

  it('accepts prefixes, backtick names, tags as truthy values and dates on time columns', () => {
    expect(rowsMatching('params.lr >= 0.005 and metrics.acc < 0.99')).toEqual(['b', 'c']);
    expect(rowsMatching('`lr` > 0.05')).toEqual(['b']);
    expect(rowsMatching('tags.best')).toEqual(['a']);
    expect(rowsMatching('started >= "2026-11-05" and started < "2026-11-15"')).toEqual(['b']);
    expect(rowsMatching('1e-3 == lr')).toEqual(['a']);
  });

  it('resolves a key that is both a param and a metric only when prefixed', () => {
    const t = tableOf([{ name: 'x', status: 'done', params: { loss: 'mse' }, metrics: { loss: 0.3 } }]);
    expect(errorOf('loss > 0', t).message).toMatch(
      /'loss' is ambiguous: write params\.loss or metrics\.loss/,
    );
    expect(rowsMatching('metrics.loss > 0', t)).toEqual(['x']);
    expect(rowsMatching('params.loss == "mse"', t)).toEqual(['x']);
  });
});

describe('filter expressions: bad input names the column of the problem', () => {
  const cases: [string, RegExp, number][] = [
    ['', /empty/, 0],
    ['lr <', /Expected a value after '<', found the end/, 4],
    ['lr < 0.01 acc > 3', /Unexpected 'acc'; join conditions with and \/ or/, 10],
    ['(lr < 1', /Expected '\)' to close the '\(' at column 1/, 7],
    ['lr < 0.01 and accc > 0.9', /No column named 'accc'; did you mean 'acc'/, 14],
    ['opt < 3', /'opt' is text but is compared with a number/, 4],
    ['lr == "x', /never closed/, 6],
    ['lr # 3', /Unexpected character '#'/, 3],
    ['0 < lr < 1', /Compare two values at a time/, 7],
    ['12abc > 1', /'12a' is not a number/, 0],
    ['opt + 1 > 2', /'\+' works on numbers, not text/, 4],
    ['started > "last tuesday"', /is not a date/, 10],
    ['lr > null', /null can only be compared with == or !=/, 3],
  ];
  for (const [src, message, position] of cases) {
    it(`rejects ${JSON.stringify(src)}`, () => {
      const err = errorOf(src);
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(message);
      expect((err.details as { position: number }).position).toBe(position);
      expect(err.message).toContain(`(at column ${position + 1})`);
    });
  }

  it('parses without evaluating anything (no eval, no globals)', () => {
    expect(() => parseExpr('constructor.constructor("return process")()')).toThrow(StrataError);
    expect(errorOf('constructor > 1').message).toMatch(/No column named 'constructor'/);
  });
});
