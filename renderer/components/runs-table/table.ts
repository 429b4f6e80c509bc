import type { MetricGoal } from '../../../shared/metric-goal.js';
import type { ColumnGroup, ColumnWire, RunsTableWire } from '../../../shared/api/compare.js';

/** One column of the runs table, decoded into typed arrays indexed by row (= position in `ids`). */
export type Column = NumberColumn | TextColumn;

interface ColumnBase {
  /** unique within a table: `${group}:${key}` */
  id: string;
  group: ColumnGroup;
  key: string;
}

export interface NumberColumn extends ColumnBase {
  kind: 'number' | 'time';
  /** metrics whose direction is known: which way is better */
  goal?: MetricGoal;
  values: Float64Array;
  /** 1 where a run has no value; null when all runs have one */
  missing: Uint8Array | null;
}

export interface TextColumn extends ColumnBase {
  kind: 'text';
  dict: string[];
  /** index into dict, -1 where a run has no value */
  codes: Int32Array;
}

export interface RunsTable {
  count: number;
  ids: string[];
  columns: Column[];
  byId: Map<string, Column>;
  rowOf: Map<string, number>;
}

export const columnId = (group: ColumnGroup, key: string): string => `${group}:${key}`;

function fromBase64(b64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Copies into an aligned buffer: a base64 decode may hand back a view at any offset. */
function typed<T extends Float64Array | Int32Array>(
  b64: string,
  Ctor: { new (buf: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  count: number,
  what: string,
): T {
  const bytes = fromBase64(b64);
  if (bytes.byteLength !== count * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(
      `column ${what}: expected ${count} values, got ${bytes.byteLength / Ctor.BYTES_PER_ELEMENT}`,
    );
  }
  const buf = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buf).set(bytes);
  return new Ctor(buf);
}

export function decodeColumn(w: ColumnWire, count: number): Column {
  const id = columnId(w.group, w.key);
  if (w.kind === 'text')
    return {
      id,
      group: w.group,
      key: w.key,
      kind: 'text',
      dict: w.dict,
      codes: typed(w.codes, Int32Array, count, id),
    };
  const missing = w.missing === null ? null : fromBase64(w.missing);
  if (missing && missing.length !== count)
    throw new Error(`column ${id}: missing mask has ${missing.length} entries for ${count} runs`);
  return {
    id,
    group: w.group,
    key: w.key,
    kind: w.kind,
    values: typed(w.f64, Float64Array, count, id),
    missing,
    ...(w.goal ? { goal: w.goal } : {}),
  };
}

export function decodeTable(wire: RunsTableWire): RunsTable {
  const columns = wire.columns.map((c) => decodeColumn(c, wire.count));
  return {
    count: wire.count,
    ids: wire.ids,
    columns,
    byId: new Map(columns.map((c) => [c.id, c])),
    rowOf: new Map(wire.ids.map((id, i) => [id, i])),
  };
}

export type CellValue = number | string | null;

export function cellValue(col: Column, row: number): CellValue {
  if (col.kind === 'text') {
    const c = col.codes[row];
    return c < 0 ? null : col.dict[c];
  }
  return col.missing && col.missing[row] ? null : col.values[row];
}
