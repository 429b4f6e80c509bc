// A sample's drift profile: per numeric column its sorted values (the exact ECDF every statistic
// needs), per categorical column its counts. The reference's profile is computed once per dataset
// version and kept on disk, so a new window only has its own rows to read and sort.
import fs from 'node:fs';
import { writeFileAtomic } from '../app/atomic.js';
import { meanStd } from './stats/numeric.js';
import { sortedFinite } from './stats/sort.js';
import type { Table } from './table.js';

export interface NumericProfile {
  name: string;
  kind: 'numeric';
  rows: number;
  missing: number;
  sorted: Float64Array;
  mean: number;
  std: number;
}
export interface CategoricalProfile {
  name: string;
  kind: 'categorical';
  rows: number;
  missing: number;
  counts: Record<string, number>;
  mixed: boolean;
}
export type ColumnProfile = NumericProfile | CategoricalProfile;
export interface Profile {
  rows: number;
  columns: ColumnProfile[];
}

export function profileTable(table: Table, only?: Set<string>): Profile {
  const columns: ColumnProfile[] = [];
  for (const c of table.columns) {
    if (only && !only.has(c.name)) continue;
    if (c.kind === 'numeric') {
      const sorted = sortedFinite(c.values);
      const { mean, std } = sorted.length ? meanStd(sorted) : { mean: NaN, std: NaN };
      columns.push({
        name: c.name,
        kind: 'numeric',
        rows: table.rows,
        missing: c.missing,
        sorted,
        mean,
        std,
      });
    } else {
      const tally = new Float64Array(c.dict.length);
      for (let i = 0; i < c.codes.length; i++) if (c.codes[i] >= 0) tally[c.codes[i]]++;
      const counts: Record<string, number> = {};
      c.dict.forEach((v, i) => {
        if (tally[i] > 0) counts[v] = tally[i];
      });
      columns.push({
        name: c.name,
        kind: 'categorical',
        rows: table.rows,
        missing: c.missing,
        counts,
        mixed: c.mixed,
      });
    }
  }
  return { rows: table.rows, columns };
}

// File layout: "STRATA-DRIFT-PROFILE 1\n", a uint32 header length, the JSON header, padding to 8 bytes,
// then each numeric column's sorted values as little-endian float64 in header order.
const MAGIC = Buffer.from('STRATA-DRIFT-PROFILE 1\n');

export function writeProfile(file: string, profile: Profile): void {
  const header = JSON.stringify({
    rows: profile.rows,
    columns: profile.columns.map((c) => (c.kind === 'numeric' ? { ...c, sorted: c.sorted.length } : c)),
  });
  const head = Buffer.from(header);
  const offset = MAGIC.length + 4 + head.length;
  const pad = (8 - (offset % 8)) % 8;
  const parts: Uint8Array[] = [MAGIC, Buffer.alloc(4), head, Buffer.alloc(pad)];
  (parts[1] as Buffer).writeUInt32LE(head.length);
  for (const c of profile.columns)
    if (c.kind === 'numeric')
      parts.push(new Uint8Array(c.sorted.buffer, c.sorted.byteOffset, c.sorted.byteLength));
  writeFileAtomic(file, Buffer.concat(parts));
}

/** The stored profile, or null when there is none or it is not one this version wrote. */
export function readProfile(file: string): Profile | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const len = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(buf.subarray(start, start + len).toString()) as {
    rows: number;
    columns: (ColumnProfile | (Omit<NumericProfile, 'sorted'> & { sorted: number }))[];
  };
  let offset = start + len;
  offset += (8 - (offset % 8)) % 8;
  // One aligned copy of the whole tail, so each column is a view and not a copy of its own.
  const tail = new Float64Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + buf.length));
  let at = 0;
  const columns = header.columns.map((c): ColumnProfile => {
    if (c.kind !== 'numeric') return c as CategoricalProfile;
    const n = c.sorted as number;
    const sorted = tail.subarray(at, at + n);
    at += n;
    return { ...(c as Omit<NumericProfile, 'sorted'>), sorted };
  });
  return { rows: header.rows, columns };
}
