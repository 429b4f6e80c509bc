import { PyFloat, isPlainMap, pyStr, shellQuote } from './pyvalues.js';

/**
 * DVC's `${…}` templating, on data only: an expression is a dotted path with [index] steps, looked up
 * in the context; nothing is evaluated and nothing passes through a shell. The rules follow DVC's
 * reference (dvc.org/doc/user-guide/project-structure/dvcyaml-files#templating): a field that is
 * exactly `${x}` takes x's value with its type; inside a longer string a value is printed as Python
 * prints it (booleans as true/false), and a map in `cmd` becomes `--key value` arguments.
 */

/** `.dvc/config` [parsing]: how a map in cmd writes false booleans and lists. */
export interface ParsingConfig {
  bool: 'store_true' | 'boolean_optional';
  list: 'nargs' | 'append';
}

export const DEFAULT_PARSING: ParsingConfig = { bool: 'store_true', list: 'nargs' };

/** A failure with the offset (inside the template string) it is about. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface Match {
  /** `${a.b}` as written */
  text: string;
  inner: string;
  index: number;
}

/** `\${` is an escaped brace, left as `${`; a match never spans lines. */
export function findMatches(s: string): Match[] {
  const out: Match[] = [];
  const re = /(?<!\\)\$\{(.*?)\}/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push({ text: m[0], inner: m[1], index: m.index });
  return out;
}

/** `a.b[0].c` → `a.b.0.c`; anything that is not names, dots and [indexes] is refused. */
export function parseExpression(m: Match): string {
  const inner = m.inner;
  const word = /^[^.[\]]+/;
  let rest = inner;
  const parts: string[] = [];
  const first = word.exec(rest);
  if (!first || !first[0].trim())
    throw new TemplateError(`invalid expression ${m.text}: expected a name`, m.index);
  parts.push(first[0]);
  rest = rest.slice(first[0].length);
  while (rest) {
    const step = /^(?:\.([^.[\]]+)|\[([^.[\]]+)\])/.exec(rest);
    if (!step) {
      throw new TemplateError(
        `invalid expression ${m.text}: expected .name or [index] at "${rest}"`,
        m.index + 2 + inner.length - rest.length,
      );
    }
    parts.push(step[1] ?? step[2]);
    rest = rest.slice(step[0].length);
  }
  return parts.join('.');
}

export class UndefinedVariable extends Error {}

/** Looks a dotted key up in the context's data; a missing step is an error, never an empty string. */
export function select(data: Record<string, unknown>, key: string, written: string): unknown {
  let node: unknown = data;
  const steps = key.split('.');
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i].trim();
    if (Array.isArray(node)) {
      const n = /^[+-]?\d+$/.test(step) ? Number(step) : NaN;
      const at = n < 0 ? node.length + n : n;
      if (!(at >= 0 && at < node.length)) throw new UndefinedVariable(`could not find '${written}'`);
      node = node[at];
    } else if (isPlainMap(node)) {
      if (!Object.hasOwn(node, step)) throw new UndefinedVariable(`could not find '${written}'`);
      node = node[step];
    } else {
      throw new UndefinedVariable(
        `could not find '${written}': ${steps.slice(0, i).join('.')} is a ${typeName(node)}, it has no '${steps.slice(i).join('.')}'`,
      );
    }
  }
  return node;
}

export function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (isPlainMap(v)) return 'dict';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  return 'NoneType';
}

/**
 * `field` is the stage field the string sits in ('cmd', 'deps' …), or null for the top-level sections
 * and for foreach/matrix data, where lists and maps may be interpolated whole.
 */
function check(value: unknown, field: string | null, m: Match): void {
  const composite = Array.isArray(value) || isPlainMap(value);
  if (!composite || field === null || field.includes('foreach')) return;
  if (isPlainMap(value) && field === 'cmd') return;
  throw new TemplateError(`cannot interpolate data of type '${typeName(value)}' in ${m.text}`, m.index);
}

/** Resolves one string of the template. */
export function resolveString(
  src: string,
  data: Record<string, unknown>,
  field: string | null,
  parsing: ParsingConfig,
): unknown {
  const matches = findMatches(src);
  const lookup = (m: Match) => {
    const key = parseExpression(m);
    try {
      return select(data, key, m.inner);
    } catch (err) {
      if (err instanceof UndefinedVariable)
        throw new TemplateError(`undefined variable in ${m.text}: ${err.message}`, m.index);
      throw err;
    }
  };
  if (matches.length === 1 && matches[0].text === src) {
    const value = lookup(matches[0]);
    check(value, field, matches[0]);
    return value;
  }
  let out = '';
  let at = 0;
  for (const m of matches) {
    const value = lookup(m);
    check(value, field, m);
    out += src.slice(at, m.index) + toStr(value, parsing, m);
    at = m.index + m.text.length;
  }
  return (out + src.slice(at)).replace(/\\\$\{/g, '${');
}

export function toStr(value: unknown, parsing: ParsingConfig = DEFAULT_PARSING, m?: Match): string {
  if (isPlainMap(value)) return mapToArgs(value, parsing, m);
  if (Array.isArray(value)) return pyRepr(value);
  return pyStr(value);
}

function flatten(
  map: Record<string, unknown>,
  prefix = '',
  out: [string, unknown][] = [],
): [string, unknown][] {
  for (const [k, v] of Object.entries(map)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainMap(v)) flatten(v, key, out);
    else out.push([key, v]);
  }
  return out;
}

/** A map in cmd: `--key value` per (dotted) key, lists as nargs or repeated flags, per .dvc/config. */
function mapToArgs(map: Record<string, unknown>, parsing: ParsingConfig, m?: Match): string {
  let out = '';
  for (const [k, v] of flatten(map)) {
    if (typeof v === 'boolean') {
      if (v) out += `--${k} `;
      else if (parsing.bool === 'boolean_optional') out += `--no-${k} `;
    } else if (typeof v === 'string') {
      out += `--${k} ${shellQuote(v)} `;
    } else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        if (Array.isArray(item) || isPlainMap(item))
          throw new TemplateError(`cannot interpolate nested iterable in '${k}'`, m?.index ?? 0);
        // Python formats list items with str(), so a boolean inside a list prints as True/False.
        const text =
          typeof item === 'string'
            ? shellQuote(item)
            : typeof item === 'boolean'
              ? item
                ? 'True'
                : 'False'
              : pyStr(item);
        out += parsing.list === 'append' || n === 0 ? `--${k} ${text} ` : `${text} `;
      });
    } else {
      out += `--${k} ${pyStr(v)} `;
    }
  }
  return out.trimEnd();
}

/** Python's repr, for the rare list printed inside a longer string of a top-level section. */
function pyRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainMap(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return pyStr(v);
}
