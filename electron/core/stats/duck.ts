import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StrataError } from '../../../shared/errors.js';

/**
 * One in-memory DuckDB per process. Queries run on DuckDB's own threads, so a scan of a large file
 * does not hold the host's event loop; two threads because these machines have two cores.
 */
let instance: Promise<DuckDBInstance> | null = null;

async function connect(): Promise<DuckDBConnection> {
  // Loaded on first use: the native library takes a second or more to load on a busy machine, which
  // every CLI command and the app's start would otherwise pay.
  instance ??= import('@duckdb/node-api').then(({ DuckDBInstance }) =>
    DuckDBInstance.create(':memory:', { threads: '2' }),
  );
  return (await instance).connect();
}

/** Runs one query and returns its rows as plain JSON-able objects (64-bit integers as numbers). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const conn = await connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => plainValue(r) as Record<string, unknown>);
  } finally {
    conn.closeSync();
  }
}

/** Column names and DuckDB types of a relation, without reading it whole. */
export async function describe(from: string): Promise<{ name: string; type: string }[]> {
  const rows = await query(`DESCRIBE SELECT * FROM ${from}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

export async function closeDuck(): Promise<void> {
  const current = instance;
  instance = null;
  if (current) (await current.catch(() => null))?.closeSync();
}

function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === 'object') {
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plainValue(x)]));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
    return out;
  }
  return v;
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const numLiteral = (n: number): string => {
  if (!Number.isFinite(n)) throw new StrataError('BAD_REQUEST', `${n} is not a finite number`);
  return `${n}::DOUBLE`;
};

/**
 * DuckDB's error text up to its list of "possible fixes", which name reader options users never set,
 * with each line cut short: it quotes the offending line whole, which may be megabytes long.
 */
export function duckMessage(err: unknown): string {
  const text = (err as Error).message ?? String(err);
  return text
    .split(/\n\s*\n|Possible fixes:/)[0]
    .split('\n')
    .map((line) => (line.length > 200 ? `${line.slice(0, 200)}… (${line.length} characters)` : line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
