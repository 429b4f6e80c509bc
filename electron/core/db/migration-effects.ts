import crypto from 'node:crypto';
import { openSqlite, type Db } from './sqlite.js';
import type { Migration } from './migrations.js';

/** The table migrate() keeps; it is not part of any migration's effect. */
export const APPLIED_TABLE = 'applied_migrations';

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

interface Snapshot {
  objects: Map<string, SchemaObject>;
  columns: Map<string, Set<string>>;
}

/**
 * What one migration does to the schema, measured by running the whole list on an empty in-memory
 * database. The checksum covers the schema change only (data on an empty database says little, and a
 * seeded clock value would differ on every run), so it does not depend on how the code is formatted
 * or bundled, and it changes when a released migration's tables or indexes are edited.
 */
export interface MigrationEffect {
  id: string;
  checksum: string;
  /** Objects ("table:runs", "index:runs_status") the migration creates. */
  created: string[];
  /** Columns ("stat_cache.mode") it adds to a table that existed before. */
  addedColumns: string[];
  /** Objects it removes. */
  dropped: string[];
}

const effectsCache = new WeakMap<readonly Migration[], Map<string, MigrationEffect>>();

export function migrationEffects(migrations: readonly Migration[]): Map<string, MigrationEffect> {
  const cached = effectsCache.get(migrations);
  if (cached) return cached;
  const scratch = openSqlite(':memory:');
  const effects = new Map<string, MigrationEffect>();
  try {
    let before = snapshot(scratch);
    for (const m of migrations) {
      scratch.transaction(() => m.up(scratch)).immediate();
      const after = snapshot(scratch);
      effects.set(m.id, effectOf(m.id, before, after));
      before = after;
    }
  } finally {
    scratch.close();
  }
  effectsCache.set(migrations, effects);
  return effects;
}

function effectOf(id: string, before: Snapshot, after: Snapshot): MigrationEffect {
  const created: string[] = [];
  const changed: string[] = [];
  const addedColumns: string[] = [];
  for (const [key, obj] of after.objects) {
    const old = before.objects.get(key);
    if (!old) created.push(key);
    else if (old.sql !== obj.sql) changed.push(key);
  }
  const dropped = [...before.objects.keys()].filter((key) => !after.objects.has(key));
  for (const key of changed) {
    const table = after.objects.get(key)!.name;
    const had = before.columns.get(table) ?? new Set();
    for (const col of after.columns.get(table) ?? []) if (!had.has(col)) addedColumns.push(`${table}.${col}`);
  }
  const described = {
    created: created.sort().map((k) => [k, after.objects.get(k)!.sql]),
    changed: changed.sort().map((k) => [k, after.objects.get(k)!.sql]),
    dropped: dropped.sort(),
  };
  const checksum = crypto.createHash('sha256').update(JSON.stringify(described)).digest('hex');
  return {
    id,
    checksum,
    created: created.sort(),
    addedColumns: addedColumns.sort(),
    dropped: dropped.sort(),
  };
}

export function snapshot(db: Db): Snapshot {
  const rows = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != ?`,
    )
    .all(APPLIED_TABLE) as SchemaObject[];
  const objects = new Map<string, SchemaObject>();
  const columns = new Map<string, Set<string>>();
  for (const r of rows) {
    objects.set(`${r.type}:${r.name}`, { ...r, sql: normaliseSql(r.sql) });
    if (r.type === 'table') {
      const cols = db.prepare('SELECT name FROM pragma_table_xinfo(?)').pluck().all(r.name) as string[];
      columns.set(r.name, new Set(cols));
    }
  }
  return { objects, columns };
}

/** SQL text without comments and with runs of whitespace as one space: what a schema means, not how it was typed. */
export function normaliseSql(sql: string): string {
  const pieces: string[] = [];
  let code = '';
  const flush = (): void => {
    pieces.push(code.replace(/\s+/g, ' ').replace(/ ?([(),]) ?/g, '$1'));
    code = '';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      flush();
      pieces.push(sql.slice(i, stop));
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      code += ' ';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      code += ' ';
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return pieces.join('').trim();
}

export type LegacyFinding =
  { state: 'present' } | { state: 'absent' } | { state: 'partial'; present: string[]; missing: string[] };

/**
 * Whether a database that predates the table of applied migrations already holds what a migration
 * makes. A migration with no visible schema effect (a data step) counts as absent, so it runs:
 * every such step was written after that table existed.
 */
export function findInLegacy(current: Snapshot, effect: MigrationEffect): LegacyFinding {
  const present: string[] = [];
  const missing: string[] = [];
  for (const key of effect.created) (current.objects.has(key) ? present : missing).push(key);
  for (const col of effect.addedColumns) {
    const dot = col.indexOf('.');
    const has = current.columns.get(col.slice(0, dot))?.has(col.slice(dot + 1)) ?? false;
    (has ? present : missing).push(col);
  }
  for (const key of effect.dropped) (current.objects.has(key) ? missing : present).push(`no ${key}`);
  if (missing.length === 0 && present.length > 0) return { state: 'present' };
  if (present.length === 0) return { state: 'absent' };
  return { state: 'partial', present, missing };
}
