import fs from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { StrataError } from '../../../shared/errors.js';

export interface LoadedYaml<T> {
  value: T;
  doc: Document;
  lines: LineCounter;
}

/**
 * Parses a human-edited YAML file safely (no custom tags are executed; unknown tags are an error)
 * and checks it against a schema. Every failure names the file, line and column.
 */
export function parseYamlFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): LoadedYaml<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const first = doc.errors[0] ?? null;
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new StrataError('CONFIG_INVALID', first.message.split('\n')[0], {
      where: { file, line: pos.line, column: pos.col },
    });
  }
  const warning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (warning) {
    const pos = lines.linePos(warning.pos[0]);
    throw new StrataError('CONFIG_INVALID', `unsupported YAML tag: ${warning.message.split('\n')[0]}`, {
      where: { file, line: pos.line, column: pos.col },
    });
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.code === 'custom' && (issue.params as { at?: string } | undefined)?.at;
    const path = issue.path as (string | number)[];
    const where = (at === 'key' && locateKey(doc, lines, path, file)) || locate(doc, lines, path, file);
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new StrataError('CONFIG_INVALID', `${field}: ${issue.message}`, {
      where,
      details: parsed.error.issues,
    });
  }
  return { value: parsed.data, doc, lines };
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S): LoadedYaml<z.output<S>> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const code = e.code === 'ENOENT' ? 'NOT_FOUND' : e.code === 'EACCES' ? 'PERMISSION_DENIED' : 'INTERNAL';
    throw new StrataError(code, `cannot read ${file}: ${e.message}`, { where: { file }, cause: err });
  }
  return parseYamlFile(file, text, schema);
}

/** Where the last key of the path is written: for an error about the key itself, not its value. */
function locateKey(doc: Document, lines: LineCounter, path: (string | number)[], file: string) {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return null;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  if (!pair || !isNode(pair.key) || !pair.key.range) return null;
  const pos = lines.linePos(pair.key.range[0]);
  return { file, line: pos.line, column: pos.col };
}

/** The deepest node of the path that exists, so an error in a missing key points at its parent. */
export function locate(doc: Document, lines: LineCounter, path: (string | number)[], file: string) {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { file, line: pos.line, column: pos.col };
    }
  }
  return { file };
}
