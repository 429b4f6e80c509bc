import { StrataError } from '../../../../shared/errors.js';
import { PyFloat, pyFloat, setOwn } from './pyvalues.js';

/**
 * Reads a Python params file the way DVC does, statically: top-level assignments of literals, class
 * bodies as nested maps, and `self.x = …` in an `__init__`. The file is tokenized, never run; a
 * statement whose value is not a literal (a call, a name, an f-string) is left out, as DVC leaves it.
 */
export function parsePythonParams(file: string, text: string): Record<string, unknown> {
  const lines = logicalLines(file, text);
  return readBlock(lines, 0, lines.length, false);
}

interface Tok {
  kind: 'name' | 'number' | 'string' | 'op';
  text: string;
  /** a string's value (already unescaped), or null when it is not a plain literal (f-string, bytes) */
  value?: string | null;
  line: number;
  col: number;
}

interface Line {
  indent: number;
  toks: Tok[];
}

const OPS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '**',
  '//',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
];
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function logicalLines(file: string, text: string): Line[] {
  const fail = (msg: string, line: number, col: number): never => {
    throw new StrataError('CONFIG_INVALID', `${msg} (Python params file)`, {
      where: { file, line, column: col },
    });
  };
  const out: Line[] = [];
  let toks: Tok[] = [];
  let indent = 0;
  let atLineStart = true;
  const depth: { ch: string; line: number; col: number }[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const end = () => {
    if (toks.length) out.push({ indent, toks });
    toks = [];
    atLineStart = true;
  };
  while (i < text.length) {
    const col = i - lineStart + 1;
    const c = text[i];
    if (atLineStart && depth.length === 0) {
      let w = 0;
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\f')) {
        w = text[j] === '\t' ? (Math.floor(w / 8) + 1) * 8 : w + 1;
        j++;
      }
      indent = w;
      i = j;
      atLineStart = false;
      continue;
    }
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      if (depth.length === 0) end();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      line++;
      lineStart = i;
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(text.slice(i, i + 5));
    if (str) {
      const prefix = str[1].toLowerCase();
      const quote = str[2];
      let j = i + str[0].length;
      let raw = '';
      for (;;) {
        if (j >= text.length) fail('unterminated string', line, col);
        if (text.startsWith(quote, j)) break;
        if (text[j] === '\n') {
          if (quote.length === 1) fail('unterminated string', line, col);
          line++;
          lineStart = j + 1;
        }
        if (text[j] === '\\' && j + 1 < text.length) {
          if (text[j + 1] === '\n') {
            line++;
            lineStart = j + 2;
          }
          raw += text[j] + text[j + 1];
          j += 2;
          continue;
        }
        raw += text[j++];
      }
      const plain = !prefix.includes('f') && !prefix.includes('b');
      toks.push({
        kind: 'string',
        text: text.slice(i, j + quote.length),
        value: plain ? (prefix.includes('r') ? raw : unescape(raw)) : null,
        line,
        col,
      });
      i = j + quote.length;
      continue;
    }
    const num =
      /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)[jJ]?/.exec(
        text.slice(i, i + 400),
      );
    if (num && /[\d]/.test(c + (text[i + 1] ?? ''))) {
      toks.push({ kind: 'number', text: num[0], line, col });
      i += num[0].length;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(i, i + 200));
    if (name) {
      toks.push({ kind: 'name', text: name[0], line, col });
      i += name[0].length;
      continue;
    }
    if (OPEN[c]) depth.push({ ch: c, line, col });
    else if (c === ')' || c === ']' || c === '}') {
      const open = depth.pop();
      if (!open || OPEN[open.ch] !== c) fail(`unmatched '${c}'`, line, col);
    }
    const op = OPS.find((o) => text.startsWith(o, i)) ?? c;
    toks.push({ kind: 'op', text: op, line, col });
    i += op.length;
  }
  if (depth.length) {
    const open = depth[depth.length - 1];
    fail(`'${open.ch}' was never closed`, open.line, open.col);
  }
  end();
  return out;
}

function unescape(raw: string): string {
  return raw.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\n|.)/gs,
    (whole, e: string) => {
      const simple: Record<string, string> = {
        '\n': '',
        '\\': '\\',
        "'": "'",
        '"': '"',
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
      };
      if (e in simple) return simple[e];
      if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
      if (/^[0-7]/.test(e)) return String.fromCodePoint(parseInt(e, 8));
      return whole;
    },
  );
}

const COMPOUND = new Set([
  'if',
  'elif',
  'else',
  'for',
  'while',
  'try',
  'except',
  'finally',
  'with',
  'def',
  'async',
  'match',
  'case',
  'class',
]);

/** Lines [from, to) that form one block; statements at the block's own indentation are read. */
function readBlock(lines: Line[], from: number, to: number, selfOnly: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let i = from;
  while (i < to) {
    const head = lines[i];
    let next = i + 1;
    while (next < to && lines[next].indent > head.indent) next++;
    const first = head.toks[0];
    const isCompound = first.kind === 'name' && COMPOUND.has(first.text);
    if (first.text === '@') {
      i = next;
      continue;
    }
    if (isCompound) {
      const colon = topLevelIndex(head.toks, ':');
      const inline = colon >= 0 ? head.toks.slice(colon + 1) : [];
      const body: Line[] = inline.length ? [{ indent: head.indent + 1, toks: inline }] : [];
      const bodyLines = inline.length ? body : lines.slice(i + 1, next);
      if (first.text === 'class' && head.toks[1]?.kind === 'name') {
        setOwn(result, head.toks[1].text, readBlock(bodyLines, 0, bodyLines.length, false));
      } else if (first.text === 'def' && head.toks[1]?.text === '__init__') {
        Object.assign(result, readBlock(bodyLines, 0, bodyLines.length, true));
      }
      i = next;
      continue;
    }
    for (const stmt of splitTop(head.toks, ';')) {
      const hit = assignment(stmt, selfOnly);
      if (hit) setOwn(result, hit.name, hit.value);
    }
    i = next;
  }
  return result;
}

function topLevelIndex(toks: Tok[], op: string): number {
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== 'op') continue;
    if (OPEN[t.text]) depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    else if (depth === 0 && t.text === op) return i;
  }
  return -1;
}

function splitTop(toks: Tok[], op: string): Tok[][] {
  const parts: Tok[][] = [];
  let rest = toks;
  for (;;) {
    const at = topLevelIndex(rest, op);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts.filter((p) => p.length > 0);
}

/** `name = literal`, `name: T = literal`, `self.name = literal`; anything else is not a param. */
function assignment(toks: Tok[], selfOnly: boolean): { name: string; value: unknown } | null {
  const parts = splitTop(toks, '=');
  if (parts.length !== 2 || toks[toks.length - 1].text === '=') return null;
  let target = parts[0];
  const colon = topLevelIndex(target, ':');
  if (colon >= 0) target = target.slice(0, colon);
  let name: string | null = null;
  if (target.length === 1 && target[0].kind === 'name' && !selfOnly) name = target[0].text;
  if (target.length === 3 && target[0].text === 'self' && target[1].text === '.' && target[2].kind === 'name')
    name = target[2].text;
  if (!name) return null;
  try {
    return { name, value: literal(parts[1]) };
  } catch (err) {
    if (err instanceof NotLiteral) return null;
    throw err;
  }
}

class NotLiteral extends Error {}

/** Python's ast.literal_eval over tokens: numbers, strings, True/False/None, tuples, lists, dicts, sets. */
function literal(toks: Tok[]): unknown {
  let pos = 0;
  const peek = () => toks[pos];
  const take = (text?: string) => {
    const t = toks[pos];
    if (!t || (text !== undefined && t.text !== text)) throw new NotLiteral();
    pos++;
    return t;
  };
  const seq = (close: string): { items: unknown[]; pairs: [unknown, unknown][] | null; comma: boolean } => {
    const items: unknown[] = [];
    let pairs: [unknown, unknown][] | null = null;
    let comma = false;
    while (peek() && peek().text !== close) {
      const v = value();
      if (peek()?.text === ':') {
        take(':');
        pairs ??= [];
        pairs.push([v, value()]);
      } else items.push(v);
      if (peek()?.text === ',') {
        take(',');
        comma = true;
      } else break;
    }
    take(close);
    if (pairs && items.length) throw new NotLiteral();
    return { items, pairs, comma };
  };
  const value = (): unknown => {
    const t = take();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      const n = value();
      if (typeof n !== 'number' && !(n instanceof PyFloat)) throw new NotLiteral();
      return t.text === '-' ? negate(n) : n;
    }
    if (t.kind === 'number') return number(t.text);
    if (t.kind === 'string') {
      let s = t.value ?? null;
      while (peek()?.kind === 'string') {
        const more = take().value ?? null;
        if (s === null || more === null) throw new NotLiteral();
        s += more;
      }
      if (s === null) throw new NotLiteral();
      return s;
    }
    if (t.kind === 'name') {
      if (t.text === 'True') return true;
      if (t.text === 'False') return false;
      if (t.text === 'None') return null;
      throw new NotLiteral();
    }
    if (t.text === '[') return seq(']').items;
    if (t.text === '(') {
      const s = seq(')');
      if (s.items.length === 1 && !s.comma) return s.items[0];
      return s.items;
    }
    if (t.text === '{') {
      const s = seq('}');
      if (s.pairs) return Object.fromEntries(s.pairs.map(([k, v]) => [keyOf(k), v]));
      return s.items.length ? s.items : {};
    }
    throw new NotLiteral();
  };
  const first = value();
  if (pos === toks.length) return first;
  // a bare tuple: `x = 1, 2`
  const items = [first];
  while (pos < toks.length) {
    take(',');
    if (pos === toks.length) break;
    items.push(value());
  }
  return items;
}

function number(text: string): unknown {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) throw new NotLiteral();
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/[.eE]/.test(t)) return pyFloat(Number(t));
  return Number(t);
}

function negate(n: unknown): unknown {
  return typeof n === 'number' ? -n : pyFloat(-(n as PyFloat).value);
}

function keyOf(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k === null) return 'None';
  if (typeof k === 'number') return String(k);
  throw new NotLiteral();
}
