import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { FolderState, ProjectSummary } from '../../../shared/api/project.js';
import { openSqlite, type Db } from '../db/sqlite.js';
import { appliedMigrations, migrate, TABLE_SCHEME_VERSION, tooNewError } from '../db/migrations.js';
import { migrations } from '../db/schema.js';
import { CONFIG_FILE, DEFAULT_CONFIG_TEXT, loadConfig, type LoadedConfig } from '../config/load.js';

export const STRATA_DIR = '.strata';
export const DB_FILE = 'strata.db';
export const OBJECTS_DIR = 'objects';

export interface OpenProjectOptions {
  busyTimeout?: number;
}

/** Translates file-system and SQLite failures into errors a person can act on. */
export function explainFsError(err: unknown, what: string, file: string): StrataError {
  if (err instanceof StrataError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string };
  switch (e.code) {
    case 'ENOENT':
      return new StrataError('PROJECT_MISSING', `${what}: ${file} does not exist`, {
        where: { file },
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
      return new StrataError('PERMISSION_DENIED', `${what}: permission denied on ${file}`, {
        where: { file },
        cause: err,
      });
    case 'EROFS':
      return new StrataError('READ_ONLY', `${what}: ${file} is on a read-only file system`, {
        where: { file },
        cause: err,
      });
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return new StrataError('DISK_FULL', `${what}: the disk holding ${file} is full`, {
        where: { file },
        cause: err,
      });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StrataError(
        'DB_LOCKED',
        `${what}: the database ${file} is locked by another process; close the other Strata window or command and try again`,
        { where: { file }, cause: err },
      );
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
      return new StrataError('READ_ONLY', `${what}: cannot write the database ${file} (${e.message})`, {
        where: { file },
        cause: err,
      });
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new StrataError('INTERNAL', `${what}: ${file} is not a valid Strata database (${e.message})`, {
        where: { file },
        cause: err,
      });
    default:
      return new StrataError('INTERNAL', `${what}: ${e.message ?? String(err)}`, {
        where: { file },
        cause: err,
      });
  }
}

export function inspectFolder(dir: string): FolderState {
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', message: e.message };
  }
  if (!st.isDirectory()) return { kind: 'not-directory' };
  try {
    fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
  } catch (err) {
    return { kind: 'unreadable', message: (err as Error).message };
  }
  const marks = [CONFIG_FILE, STRATA_DIR, 'dvc.yaml'];
  return marks.some((m) => fs.existsSync(path.join(root, m))) ? { kind: 'project' } : { kind: 'not-project' };
}

function requireFolder(root: string, state: FolderState): void {
  switch (state.kind) {
    case 'missing':
      throw new StrataError('PROJECT_MISSING', `No folder at ${root}. It may have been moved or deleted.`, {
        where: { file: root },
      });
    case 'not-directory':
      throw new StrataError('BAD_REQUEST', `${root} is a file, not a folder.`, { where: { file: root } });
    case 'unreadable':
      throw new StrataError('PERMISSION_DENIED', `Cannot read ${root}: ${state.message}`, {
        where: { file: root },
      });
    default:
  }
}

export class Project {
  readonly root: string;
  readonly strataDir: string;
  readonly dbPath: string;
  readonly objectsDir: string;
  readonly db: Db;
  config: LoadedConfig;

  /** opened for review: the database is a private copy, nothing is written into the folder */
  readonly readOnly: boolean;
  /** the folder holding the read-only copy of the database, removed at close */
  private readonly copyDir: string | null;

  private constructor(
    root: string,
    db: Db,
    config: LoadedConfig,
    copy: { dbPath: string; dir: string } | null = null,
  ) {
    this.root = root;
    this.strataDir = path.join(root, STRATA_DIR);
    this.dbPath = copy?.dbPath ?? path.join(this.strataDir, DB_FILE);
    this.readOnly = copy !== null;
    this.copyDir = copy?.dir ?? null;
    this.objectsDir = path.join(this.strataDir, OBJECTS_DIR);
    this.db = db;
    this.config = config;
  }

  get name(): string {
    return this.config.config.name ?? path.basename(this.root);
  }

  /**
   * Opens an existing project. Everything that can be checked without writing is checked first
   * (folder, config, schema version, writability), so a refused open leaves the folder as it was.
   */
  static open(dir: string, opts: OpenProjectOptions = {}): Project {
    const root = path.resolve(dir);
    const state = inspectFolder(root);
    requireFolder(root, state);
    if (state.kind === 'not-project') {
      throw new StrataError(
        'NOT_A_PROJECT',
        `${root} is not a Strata project yet (no strata.yaml, dvc.yaml or .strata/). Initialise it to start.`,
        { where: { file: root } },
      );
    }
    const config = loadConfig(root);
    const strataDir = path.join(root, STRATA_DIR);
    const dbPath = path.join(strataDir, DB_FILE);
    if (fs.existsSync(dbPath)) refuseFutureSchema(dbPath);
    try {
      fs.mkdirSync(path.join(strataDir, OBJECTS_DIR), { recursive: true });
      fs.accessSync(strataDir, fs.constants.W_OK);
    } catch (err) {
      const e = explainFsError(err, 'Cannot open the project', strataDir);
      if (e.code === 'PERMISSION_DENIED') {
        throw new StrataError(
          'READ_ONLY',
          `${strataDir} is not writable. Strata keeps its database and object store there; make the folder writable, or copy the project somewhere you can write.`,
          { where: { file: strataDir }, cause: err },
        );
      }
      throw e;
    }
    let db: Db | null = null;
    try {
      db = openSqlite(dbPath, { busyTimeout: opts.busyTimeout });
      migrate(db, migrations, dbPath);
    } catch (err) {
      db?.close();
      throw explainFsError(err, 'Cannot open the project database', dbPath);
    }
    return new Project(root, db, config);
  }

  /**
   * Opens a project (or an unpacked bundle) for review without writing into its folder. SQLite
   * cannot open a WAL database read-only without creating -shm and -wal files beside it (and this
   * better-sqlite3 takes no URI, so no immutable=1): the database and its WAL are copied to a temp
   * folder and opened there, migrated if older, then made query_only. Objects are read in place.
   */
  static openReadOnly(dir: string): Project {
    const root = path.resolve(dir);
    const state = inspectFolder(root);
    requireFolder(root, state);
    const source = path.join(root, STRATA_DIR, DB_FILE);
    if (!fs.existsSync(source))
      throw new StrataError(
        'NOT_A_PROJECT',
        `${root} has no ${STRATA_DIR}/${DB_FILE}: there is no record to review`,
        { where: { file: root } },
      );
    const config = loadConfig(root);
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-review-'));
    const dbPath = path.join(copyDir, DB_FILE);
    let db: Db | null = null;
    try {
      fs.copyFileSync(source, dbPath);
      if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${dbPath}-wal`);
      refuseFutureSchema(dbPath);
      db = openSqlite(dbPath);
      migrate(db, migrations, dbPath);
      db.pragma('query_only = 1');
    } catch (err) {
      db?.close();
      fs.rmSync(copyDir, { recursive: true, force: true });
      throw explainFsError(err, 'Cannot open the project for review', source);
    }
    return new Project(root, db, config, { dbPath, dir: copyDir });
  }

  /** Creates strata.yaml (unless present) and .strata/, then opens. Idempotent. */
  static init(dir: string, opts: OpenProjectOptions = {}): Project {
    const root = path.resolve(dir);
    const state = inspectFolder(root);
    if (state.kind === 'missing') {
      try {
        fs.mkdirSync(root, { recursive: true });
      } catch (err) {
        throw explainFsError(err, 'Cannot create the project folder', root);
      }
    } else {
      requireFolder(root, state);
    }
    const configFile = path.join(root, CONFIG_FILE);
    if (!fs.existsSync(configFile) && !fs.existsSync(path.join(root, 'dvc.yaml'))) {
      try {
        fs.writeFileSync(configFile, DEFAULT_CONFIG_TEXT, { flag: 'wx' });
      } catch (err) {
        throw explainFsError(err, 'Cannot write strata.yaml', configFile);
      }
    }
    return Project.open(root, opts);
  }

  reloadConfig(): LoadedConfig {
    this.config = loadConfig(this.root);
    return this.config;
  }

  summary(): ProjectSummary {
    const c = this.config.config;
    return {
      root: this.root,
      name: this.name,
      dbPath: this.dbPath,
      schemaMigrations: appliedMigrations(this.db).length,
      readOnly: this.readOnly,
      configError: null,
      config: {
        artifacts: Object.keys(c.artifacts).length,
        stages: Object.keys(c.stages).length,
        validations: Object.keys(c.validations).length,
        monitors: Object.keys(c.monitors).length,
        targets: Object.keys(c.targets).length,
        source: this.config.source,
      },
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.copyDir) fs.rmSync(this.copyDir, { recursive: true, force: true });
  }
}

/**
 * Reads user_version without changing anything, so a database of a later kind is never touched (one
 * that names migrations this app does not know is refused by migrate() before it writes).
 * With no WAL file beside it, the header (bytes 60–63) is authoritative and is read directly, which
 * avoids SQLite creating -wal/-shm files; otherwise a read-only handle sees the WAL's newer pages.
 */
function refuseFutureSchema(dbPath: string): void {
  let version: number;
  try {
    if (!fs.existsSync(`${dbPath}-wal`)) {
      const fd = fs.openSync(dbPath, 'r');
      try {
        const header = Buffer.alloc(100);
        const n = fs.readSync(fd, header, 0, 100, 0);
        version =
          n === 100 && header.toString('latin1', 0, 15) === 'SQLite format 3' ? header.readUInt32BE(60) : 0;
      } finally {
        fs.closeSync(fd);
      }
    } else {
      const ro = openSqlite(dbPath, { readonly: true });
      try {
        version = ro.pragma('user_version', { simple: true }) as number;
      } finally {
        ro.close();
      }
    }
  } catch (err) {
    throw explainFsError(err, 'Cannot read the project database', dbPath);
  }
  if (version > TABLE_SCHEME_VERSION) throw tooNewError(dbPath, []);
}
