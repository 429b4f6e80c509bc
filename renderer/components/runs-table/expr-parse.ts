import { StrataError } from '../../../shared/errors.js';

/**
 * Filter expressions over the runs table, such as `lr < 0.01 and acc > 0.9`. A hand-written lexer and
 * recursive-descent parser (no eval): every error names the column (1-based) where it was found.
 */
export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=' | '~';
export type ArithOp = '+' | '-' | '*' | '/';

export type Expr =
  | { t: 'num'; v: number; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'bool'; v: boolean; pos: number }
  | { t: 'null'; pos: number }
  | { t: 'ident'; name: string; pos: number; end: number }
  | { t: 'neg'; arg: Expr; pos: number }
  | { t: 'not'; arg: Expr; pos: number }
  | { t: 'arith'; op: ArithOp; l: Expr; r: Expr; pos: number }
  | { t: 'cmp'; op: CmpOp; l: Expr; r: Expr; pos: number }
  | { t: 'logic'; op: 'and' | 'or'; l: Expr; r: Expr; pos: number };

type TokKind = 'num' | 'str' | 'ident' | 'op' | '(' | ')' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
  value?: number | string;
  pos: number;
  end: number;
}

export function exprError(message: string, pos: number, end = pos + 1): StrataError {
  return new StrataError('BAD_REQUEST', `${message} (at column ${pos + 1})`, {
    details: { position: pos, end },
  });
}

const OPS = ['<=', '>=', '==', '!=', '&&', '||', '<', '>', '=', '!', '~', '+', '-', '*', '/'];
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.:]/;

export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')') {
      toks.push({ kind: ch, text: ch, pos: i, end: ++i });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (IDENT_START.test(src[i] ?? ''))
        throw exprError(
          `'${m[0]}${src[i]}' is not a number; names start with a letter or _, or are quoted with backticks`,
          start,
          i + 1,
        );
      toks.push({ kind: 'num', text: m[0], value: Number(m[0]), pos: start, end: i });
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let out = '';
      i++;
      while (i < src.length && src[i] !== ch) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        out += src[i++];
      }
      if (i >= src.length)
        throw exprError(
          ch === '`' ? 'This quoted name is never closed with `' : `This text is never closed with ${ch}`,
          start,
          src.length,
        );
      i++;
      toks.push({
        kind: ch === '`' ? 'ident' : 'str',
        text: src.slice(start, i),
        value: out,
        pos: start,
        end: i,
      });
      continue;
    }
    if (IDENT_START.test(ch)) {
      while (i < src.length && IDENT_PART.test(src[i])) i++;
      const word = src.slice(start, i);
      toks.push({ kind: 'ident', text: word, value: word, pos: start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw exprError(`Unexpected character '${ch}'`, start);
    i += op.length;
    toks.push({ kind: 'op', text: op, pos: start, end: i });
  }
  toks.push({ kind: 'end', text: '', pos: src.length, end: src.length });
  return toks;
}

// Maps, not object literals: a name like `constructor` must never find something on a prototype.
const KEYWORD_OPS = new Map([
  ['and', '&&'],
  ['or', '||'],
  ['not', '!'],
]);
const CMP = new Map<string, CmpOp>([
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['==', '=='],
  ['=', '=='],
  ['!=', '!='],
  ['~', '~'],
]);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }

  /** `and`/`or`/`not` are operators unless quoted with backticks. */
  private opOf(t: Tok): string | null {
    if (t.kind === 'op') return t.text;
    if (t.kind === 'ident' && !t.text.startsWith('`')) return KEYWORD_OPS.get(t.text.toLowerCase()) ?? null;
    return null;
  }

  private describe(t: Tok): string {
    return t.kind === 'end' ? 'the end' : `'${t.text}'`;
  }

  parseAll(): Expr {
    if (this.peek().kind === 'end') throw exprError('The expression is empty', 0);
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') {
      const hint =
        t.kind === 'ident' || t.kind === 'num' || t.kind === 'str' ? '; join conditions with and / or' : '';
      throw exprError(`Unexpected ${this.describe(t)}${hint}`, t.pos, t.end);
    }
    return e;
  }

  private or(): Expr {
    let l = this.and();
    while (this.opOf(this.peek()) === '||') {
      const pos = this.toks[this.i++].pos;
      l = { t: 'logic', op: 'or', l, r: this.and(), pos };
    }
    return l;
  }

  private and(): Expr {
    let l = this.not();
    while (this.opOf(this.peek()) === '&&') {
      const pos = this.toks[this.i++].pos;
      l = { t: 'logic', op: 'and', l, r: this.not(), pos };
    }
    return l;
  }

  private not(): Expr {
    const t = this.peek();
    if (this.opOf(t) === '!') {
      this.i++;
      return { t: 'not', arg: this.not(), pos: t.pos };
    }
    return this.cmp();
  }

  private cmp(): Expr {
    const l = this.add();
    const t = this.peek();
    const op = this.opOf(t);
    const cmpOp = op === null ? undefined : CMP.get(op);
    if (cmpOp === undefined) return l;
    this.i++;
    const r = this.add();
    const next = this.peek();
    const nextOp = this.opOf(next);
    if (nextOp !== null && CMP.has(nextOp))
      throw exprError(
        `Compare two values at a time: write 'a < b and b < c' instead of chaining ${this.describe(next)}`,
        next.pos,
        next.end,
      );
    return { t: 'cmp', op: cmpOp, l, r, pos: t.pos };
  }

  private add(): Expr {
    let l = this.mul();
    for (let op = this.opOf(this.peek()); op === '+' || op === '-'; op = this.opOf(this.peek())) {
      const pos = this.toks[this.i++].pos;
      l = { t: 'arith', op, l, r: this.mul(), pos };
    }
    return l;
  }

  private mul(): Expr {
    let l = this.unary();
    for (let op = this.opOf(this.peek()); op === '*' || op === '/'; op = this.opOf(this.peek())) {
      const pos = this.toks[this.i++].pos;
      l = { t: 'arith', op, l, r: this.unary(), pos };
    }
    return l;
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.opOf(t) === '-') {
      this.i++;
      return { t: 'neg', arg: this.unary(), pos: t.pos };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.toks[this.i];
    switch (t.kind) {
      case 'num':
        this.i++;
        return { t: 'num', v: t.value as number, pos: t.pos };
      case 'str':
        this.i++;
        return { t: 'str', v: t.value as string, pos: t.pos };
      case '(': {
        this.i++;
        const e = this.or();
        const close = this.peek();
        if (close.kind !== ')')
          throw exprError(
            `Expected ')' to close the '(' at column ${t.pos + 1}, found ${this.describe(close)}`,
            close.pos,
            close.end,
          );
        this.i++;
        return e;
      }
      case 'ident': {
        if (this.opOf(t) !== null) break;
        this.i++;
        const word = t.text.toLowerCase();
        if (!t.text.startsWith('`')) {
          if (word === 'true' || word === 'false') return { t: 'bool', v: word === 'true', pos: t.pos };
          if (word === 'null') return { t: 'null', pos: t.pos };
        }
        return { t: 'ident', name: t.value as string, pos: t.pos, end: t.end };
      }
      default:
    }
    const prev = this.i > 0 ? this.toks[this.i - 1] : null;
    const after = prev ? ` after '${prev.text}'` : '';
    throw exprError(`Expected a value${after}, found ${this.describe(t)}`, t.pos, t.end);
  }
}

export function parseExpr(src: string): Expr {
  return new Parser(tokenize(src)).parseAll();
}
