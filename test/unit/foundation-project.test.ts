import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { Project, inspectFolder } from '../../electron/core/project/project.js';
import { migrations } from '../../electron/core/db/schema.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir, repoRoot } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function tmp(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

function catchError(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StrataError) return err;
    throw err;
  }
  throw new Error('expected a StrataError');
}

describe('project open and init', () => {
  it('init creates strata.yaml, a WAL database and the object store, and is idempotent', () => {
    const dir = path.join(tmp(), 'new project');
    const p = Project.init(dir);
    expect(fs.existsSync(path.join(dir, 'strata.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.strata', 'objects'))).toBe(true);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(p.summary().schemaMigrations).toBe(migrations.length);
    p.close();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: kept\n');
    const again = Project.init(dir);
    expect(again.name).toBe('kept');
    again.close();
  });

  it('reports missing folders, files and non-projects without writing anything', () => {
    const base = tmp();
    expect(catchError(() => Project.open(path.join(base, 'nope'))).code).toBe('PROJECT_MISSING');
    fs.writeFileSync(path.join(base, 'file.txt'), 'x');
    expect(catchError(() => Project.open(path.join(base, 'file.txt'))).code).toBe('BAD_REQUEST');
    fs.mkdirSync(path.join(base, 'plain'));
    const e = catchError(() => Project.open(path.join(base, 'plain')));
    expect(e.code).toBe('NOT_A_PROJECT');
    expect(e.message).toContain('Initialise');
    expect(fs.readdirSync(path.join(base, 'plain'))).toEqual([]);
    expect(inspectFolder(path.join(base, 'plain'))).toEqual({ kind: 'not-project' });
    expect(inspectFolder(path.join(base, 'nope'))).toEqual({ kind: 'missing' });
  });

  it('names file, line and reason for malformed YAML, and creates no .strata/', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'artifacts:\n  data:\n    path: [unclosed\n');
    const e = catchError(() => Project.open(dir));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.where?.file).toBe(path.join(dir, 'strata.yaml'));
    expect(e.where?.line).toBeGreaterThanOrEqual(3);
    expect(fs.existsSync(path.join(dir, '.strata'))).toBe(false);
  });

  it('points a schema error at the offending line', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'strata.yaml'),
      '# comment\nartifacts:\n  data:\n    path: d.csv\n    kind: spreadsheet\n',
    );
    const e = catchError(() => Project.open(dir));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.where?.line).toBe(5);
    expect(e.message).toContain('artifacts.data.kind');
  });

  it('refuses unknown YAML tags instead of executing or ignoring them', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: !!python/object:os.system "rm -rf /"\n');
    const e = catchError(() => Project.open(dir));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.where?.line).toBe(1);
  });

  it('refuses a database from a newer Strata and leaves its bytes untouched', () => {
    const dir = tmp();
    Project.init(dir).close();
    const dbPath = path.join(dir, '.strata', 'strata.db');
    const raw = new Database(dbPath);
    raw.pragma('user_version = 9999');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = fs.readFileSync(dbPath);
    const listing = fs.readdirSync(path.join(dir, '.strata')).sort();
    const e = catchError(() => Project.open(dir));
    expect(e.code).toBe('SCHEMA_TOO_NEW');
    expect(e.message).toMatch(/newer version of Strata/);
    expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(dir, '.strata')).sort()).toEqual(listing);
  });

  it('refuses a database that has a migration this Strata does not know, naming it, and changes nothing', () => {
    const dir = tmp();
    Project.init(dir).close();
    const dbPath = path.join(dir, '.strata', 'strata.db');
    const raw = new Database(dbPath);
    raw
      .prepare(
        "INSERT INTO applied_migrations (id, name, checksum, applied_at, how) VALUES ('future.thing', 'from a later Strata', 'x', 'now', 'applied')",
      )
      .run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = fs.readFileSync(dbPath);
    const e = catchError(() => Project.open(dir));
    expect(e.code).toBe('SCHEMA_TOO_NEW');
    expect(e.message).toContain('newer version of Strata');
    expect(e.message).toContain('future.thing');
    const after = new Database(dbPath);
    after.pragma('wal_checkpoint(TRUNCATE)');
    after.close();
    expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
  });

  it('gives DB_LOCKED when another process holds the write lock during migration', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: locked\n');
    fs.mkdirSync(path.join(dir, '.strata'));
    const dbPath = path.join(dir, '.strata', 'strata.db');
    const other = new Database(dbPath);
    other.pragma('journal_mode = WAL');
    other.exec('BEGIN IMMEDIATE; CREATE TABLE holder (x INTEGER);');
    const e = catchError(() => Project.open(dir, { busyTimeout: 50 }));
    other.exec('ROLLBACK');
    other.close();
    expect(e.code).toBe('DB_LOCKED');
    expect(e.message).toContain('locked by another process');
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it('gives READ_ONLY for a .strata/ the user cannot write (checked as an unprivileged user)', () => {
    const whoami = spawnSync('id', ['-u'], { encoding: 'utf8' }).stdout.trim();
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'name: ro\n');
    fs.mkdirSync(path.join(dir, '.strata'), { mode: 0o555 });
    fs.chmodSync(path.join(dir, '.strata'), 0o555);
    // The code is loaded first and the user dropped after, so the check runs wherever the checkout
    // sits, even in a folder the unprivileged user could not read.
    const drop = whoami === '0' ? 'process.setgid(65534); process.setuid(65534);' : '';
    const script = `import { Project } from ${JSON.stringify(path.join(repoRoot, 'electron/core/project/project.ts'))};
      ${drop}
      try { Project.open(${JSON.stringify(dir)}); console.log('opened'); } catch (e) { console.log(e.code + ' ' + e.message); }`;
    const r = spawnSync(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, HOME: dir },
      },
    );
    expect(r.stdout).toMatch(/^READ_ONLY .*not writable/);
    expect(fs.readdirSync(path.join(dir, '.strata'))).toEqual([]);
  });
});
