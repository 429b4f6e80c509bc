import { isMap, isScalar, LineCounter, parseDocument, type Pair, type YAMLMap } from 'yaml';

/**
 * Adds `entry` (a block of YAML at indentation 0, e.g. "data:\n  path: data/\n") to the top-level map
 * `section` of a YAML text, changing nothing else in the text: the user's flow lists, spacing,
 * comments and order stay byte for byte. Re-serialising the whole document (yaml's toString) would
 * rewrite `[a, b]` as `[ a, b ]` and move comments. The caller has checked that the text parses and
 * that the entry's key is new.
 */
export function insertMapEntry(text: string, section: string, entry: string): string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true });
  const block = entry.endsWith('\n') ? entry : entry + '\n';
  const pair = isMap(doc.contents)
    ? (doc.contents.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === section)
    : undefined;
  if (!pair) {
    // No such section: a new one at the end.
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}${section}:\n${indent(block, 2)}`;
  }
  const value = pair.value;
  if (isMap(value) && value.flow) {
    const [start, end] = value.range!;
    if (value.items.length === 0)
      // `section: {}` (the template's) becomes a block map holding the entry.
      return (
        text.slice(0, start).replace(/[ \t]+$/, '') +
        '\n' +
        indent(block, 2).replace(/\n$/, '') +
        text.slice(end)
      );
    // A flow map with entries stays one: the entry joins it in flow style, before the closing brace.
    const close = text.lastIndexOf('}', end);
    return `${text.slice(0, close).replace(/\s*$/, '')}, ${flowOf(block)}${text.slice(close)}`;
  }
  if (isMap(value) && value.items.length > 0) {
    // After the last entry's last line, at the first entry's indentation.
    const first = (value as YAMLMap).items[0] as Pair;
    const column = lines.linePos((first.key as { range: [number, number, number] }).range[0]).col - 1;
    const at = lineEnd(text, value.range![1]);
    const sep = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return text.slice(0, at) + sep + indent(block, column) + text.slice(at);
  }
  // `section:` with nothing (null) after it: the entry goes on the lines below the key.
  const at = lineEnd(text, (pair.key as { range: [number, number, number] }).range[1]);
  const sep = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return text.slice(0, at) + sep + indent(block, 2) + text.slice(at);
}

/** The offset just after the newline ending the line that holds `pos - 1` (or the text's end). */
function lineEnd(text: string, pos: number): number {
  const from = Math.max(0, pos - 1);
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl + 1;
}

function indent(block: string, n: number): string {
  const pad = ' '.repeat(n);
  return block
    .split('\n')
    .map((l, i, all) => (l === '' && i === all.length - 1 ? '' : l === '' ? '' : pad + l))
    .join('\n');
}

function flowOf(block: string): string {
  const doc = parseDocument(block);
  const map = doc.contents as YAMLMap;
  map.flow = true;
  return doc
    .toString({ flowCollectionPadding: false })
    .trim()
    .replace(/^\{|\}$/g, '');
}
