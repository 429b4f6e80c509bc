import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { StrataError } from '../../../../shared/errors.js';
import { parseYamlFile } from '../../config/yaml.js';
import { parsePythonParams } from './python-params.js';
import { PyFloat, pyFloat, setOwn } from './pyvalues.js';

/**
 * Reads a params file as DVC does, choosing the format by suffix: .json, .toml and .py have their
 * own readers, anything else is YAML. Whole-valued floats come back as PyFloat so that
 * interpolation prints them as DVC would (1.0, not 1).
 */
export function readParamsData(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const code = e.code === 'ENOENT' ? 'NOT_FOUND' : e.code === 'EACCES' ? 'PERMISSION_DENIED' : 'INTERNAL';
    const what = e.code === 'EISDIR' ? 'is a folder, not a params file' : e.message;
    throw new StrataError(code, `cannot read the params file ${file}: ${what}`, {
      where: { file },
      cause: err,
    });
  }
  return parseParamsText(file, text);
}

export function parseParamsText(file: string, text: string): unknown {
  switch (path.extname(file).toLowerCase()) {
    case '.json':
      return parseJson(file, text);
    case '.toml':
      return parseTomlParams(file, text);
    case '.py':
      return parsePythonParams(file, text);
    default: {
      const { doc } = parseYamlFile(file, text, z.unknown());
      return doc.contents ? fromYaml(doc, doc.contents as Node) : null;
    }
  }
}

function fromYaml(doc: Document, node: Node): unknown {
  if (isAlias(node)) return fromYaml(doc, node.resolve(doc) as Node);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      setOwn(out, key, pair.value ? fromYaml(doc, pair.value as Node) : null);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((n) => fromYaml(doc, n as Node));
  if (isScalar(node)) {
    const v = node.value;
    const src = node.source ?? '';
    if (typeof v === 'number' && /[.eE]/.test(src) && !/^[-+]?0[xXoO]/.test(src)) return pyFloat(v);
    return v;
  }
  return null;
}

const FLOAT_MARK = '\u0000pyfloat:';

/**
 * Python's json module: 1.0 is a float, NaN and Infinity are numbers. Number literals outside
 * strings are marked before JSON.parse sees them, so no value changes meaning.
 */
function parseJson(file: string, text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^(-?(?:Infinity|NaN)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (m && !/[\w.]/.test(text[i - 1] ?? '')) {
      out += /[.eEIN]/.test(m[0]) ? JSON.stringify(FLOAT_MARK + m[0]) : m[0];
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  try {
    return JSON.parse(out, (_k, v) =>
      typeof v === 'string' && v.startsWith(FLOAT_MARK) ? pyFloat(Number(v.slice(FLOAT_MARK.length))) : v,
    );
  } catch (err) {
    const msg = (err as Error).message;
    const at = /position (\d+)/.exec(msg);
    const where: { file: string; line?: number; column?: number } = { file };
    if (at) {
      const before = text.slice(0, Number(at[1]));
      where.line = before.split('\n').length;
      where.column = Number(at[1]) - before.lastIndexOf('\n');
    }
    throw new StrataError('CONFIG_INVALID', `not valid JSON: ${msg}`, { where });
  }
}

function parseTomlParams(file: string, text: string): unknown {
  try {
    return fromToml(parseToml(text, { integersAsBigInt: true }));
  } catch (err) {
    if (err instanceof TomlError) {
      throw new StrataError('CONFIG_INVALID', `not valid TOML: ${err.message.split('\n')[0]}`, {
        where: { file, line: err.line, column: err.column },
      });
    }
    throw err;
  }
}

/** TOML integers arrive as BigInt (so 1 and 1.0 stay apart); dates as their TOML text. */
function fromToml(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return pyFloat(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(fromToml);
  if (typeof v === 'object' && v !== null && !(v instanceof PyFloat))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromToml(x)]));
  return v;
}
