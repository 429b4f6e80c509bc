import type { ColumnGroup, ColumnWire } from '../../../shared/api/compare.js';

interface Pending {
  group: ColumnGroup;
  key: string;
  time: boolean;
  nums: Float64Array;
  present: Uint8Array;
  /** created on the first value that is not a number; the column then becomes text */
  texts: (string | undefined)[] | null;
}

const b64 = (a: ArrayBufferView): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * Builds the columns of the runs table straight from (row, key, value) triples, so 10,000 runs ×
 * 30 keys never become 10,000 objects. A column is numeric while every value in it is a number
 * (NaN and ±Infinity included); one text value turns it into a dictionary-encoded text column.
 */
export class ColumnarBuilder {
  private cols = new Map<string, Pending>();

  constructor(readonly count: number) {}

  private column(group: ColumnGroup, key: string, time = false): Pending {
    const id = `${group}:${key}`;
    let c = this.cols.get(id);
    if (!c) {
      c = {
        group,
        key,
        time,
        nums: new Float64Array(this.count),
        present: new Uint8Array(this.count),
        texts: null,
      };
      this.cols.set(id, c);
    }
    return c;
  }

  /** Declares a column even if no run has a value in it, so it still shows in the column picker. */
  declare(group: ColumnGroup, key: string, kind: 'number' | 'time' | 'text'): void {
    const c = this.column(group, key);
    c.time = kind === 'time';
    if (kind === 'text' && !c.texts) c.texts = [];
  }

  set(group: ColumnGroup, key: string, row: number, value: unknown): void {
    if (row < 0 || row >= this.count) throw new RangeError(`row ${row} outside 0..${this.count - 1}`);
    if (value === null || value === undefined) return;
    const c = this.column(group, key);
    c.present[row] = 1;
    if (typeof value === 'number' && !c.texts) {
      c.nums[row] = value;
      return;
    }
    if (!c.texts) {
      c.texts = [];
      for (let r = 0; r < this.count; r++) if (c.present[r] && r !== row) c.texts[r] = String(c.nums[r]);
    }
    c.texts[row] =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  }

  /** The run's own fields in the order they were declared, then params, metrics and tags, each by key. */
  build(): ColumnWire[] {
    const out: ColumnWire[] = [];
    const order: ColumnGroup[] = ['field', 'param', 'metric', 'tag'];
    const cols = [...this.cols.values()].sort(
      (a, b) =>
        order.indexOf(a.group) - order.indexOf(b.group) ||
        (a.group === 'field' ? 0 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    for (const c of cols) {
      if (c.texts) {
        const dict: string[] = [];
        const index = new Map<string, number>();
        const codes = new Int32Array(this.count).fill(-1);
        for (let r = 0; r < this.count; r++) {
          const t = c.texts[r];
          if (!c.present[r] || t === undefined) continue;
          let code = index.get(t);
          if (code === undefined) {
            code = dict.length;
            dict.push(t);
            index.set(t, code);
          }
          codes[r] = code;
        }
        out.push({ group: c.group, key: c.key, kind: 'text', dict, codes: b64(codes) });
        continue;
      }
      let missing: Uint8Array | null = null;
      for (let r = 0; r < this.count; r++) {
        if (c.present[r]) continue;
        missing ??= new Uint8Array(this.count);
        missing[r] = 1;
      }
      out.push({
        group: c.group,
        key: c.key,
        kind: c.time ? 'time' : 'number',
        f64: b64(c.nums),
        missing: missing && b64(missing),
      });
    }
    return out;
  }
}
