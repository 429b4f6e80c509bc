import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { storeOf } from '../helpers/store.js';

const tsx = import.meta.resolve('tsx');
const cliEntry = path.join(repoRoot, 'electron', 'cli', 'main.ts');
const t = tempDir();
afterAll(() => t.cleanup());
const root = t.dir;

function cli(args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', tsx, cliEntry, ...args, ...(args[0] === 'init' ? [] : ['--project', root])],
    { encoding: 'utf8', timeout: 120000 },
  );
}

/** Starts `strata add` and SIGKILLs it after ms; resolves with whether it had already finished. */
function addKilledAfter(ms: number): Promise<{ finished: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', tsx, cliEntry, 'add', 'big', '--kind', 'dataset', '--project', root],
      { stdio: 'ignore' },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ finished: signal === null && code === 0 });
    });
  });
}

/** Every content under its final name (loose, packed, or a row's byte range) matches its hash: none is half-written. */
const objectsIntact = (): number =>
  storeOf(root).intact((actual, wanted, what) => expect(actual, what).toBe(wanted));

describe('crash safety', () => {
  it('a strata add killed at many points leaves a store that fsck and integrity_check accept', async () => {
    const big = path.join(root, 'big');
    for (let d = 0; d < 20; d++) {
      fs.mkdirSync(path.join(big, `part-${d}`), { recursive: true });
      for (let f = 0; f < 150; f++)
        fs.writeFileSync(path.join(big, `part-${d}`, `${f}.bin`), crypto.randomBytes(2048 + f));
    }
    fs.writeFileSync(path.join(big, 'large-a.bin'), crypto.randomBytes(24 << 20));
    fs.writeFileSync(path.join(big, 'large-b.bin'), crypto.randomBytes(16 << 20));
    expect(cli(['init', root]).stderr).toBe('');

    const started = Date.now();
    const first = await addKilledAfter(120000);
    const full = Date.now() - started;
    expect(first.finished).toBe(true);
    // Start over from an empty store, so every kill lands in a first, large add.
    fs.rmSync(path.join(root, '.strata'), { recursive: true });
    expect(cli(['init', root]).status).toBe(0);

    const points = 12;
    let killed = 0;
    for (let i = 0; i < points; i++) {
      const at = Math.round((full * (i + 0.5)) / points);
      const r = await addKilledAfter(at);
      if (!r.finished) killed++;
      objectsIntact();
      const db = new Database(path.join(root, '.strata', 'strata.db'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const fsck = cli(['fsck', '--json']);
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
      if (r.finished) break;
    }
    expect(killed).toBeGreaterThanOrEqual(3);
    const done = cli(['add', 'big', '--json']);
    expect(done.status, done.stderr).toBe(0);
    expect(objectsIntact()).toBe(20 * 150 + 2);
    expect(fs.readdirSync(path.join(root, '.strata', 'objects', 'tmp'))).toEqual([]);
    expect(cli(['fsck']).status).toBe(0);
  }, 600000);
});

/**
 * Metric ingestion killed with SIGKILL: importing the tracking inbox (runs logged outside Strata)
 * and the pump that ingests a live run's tracking file. The compiled `strata` (bin/strata.js)
 * starts in a fraction of the time tsx takes, so its 38 kill points take about a minute.
 */
describe('crash safety of metric ingestion', () => {
  const bin = path.join(repoRoot, 'bin', 'strata.js');
  const work = tempDir();
  afterAll(() => work.cleanup());

  beforeAll(() => {
    if (process.env.STRATA_TEST_BUILT === '1') return;
    const r = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }, 180000);

  const built = (args: string[], cwd: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120000 });

  /** Runs the compiled CLI, SIGKILLed after ms; resolves with how long it ran and whether it finished. */
  function killedAfter(args: string[], ms: number): Promise<{ finished: boolean; took: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ finished: signal === null && code === 0, took: Date.now() - started });
      });
    });
  }

  /**
   * What must hold after any kill: SQLite's checks, and every series whole as far as it goes — its
   * chunks hold exactly the points its summary counts, with steps 0, 1, 2… and no gap.
   */
  function metricsConsistent(dbPath: string): Map<string, number> {
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const rows = db
        .prepare(
          `SELECT m.run_id AS run, m.key, m.count, m.step, (SELECT coalesce(sum(n), 0) FROM metric_chunks c
             WHERE c.run_id = m.run_id AND c.key = m.key) AS stored FROM run_metrics m`,
        )
        .all() as { run: string; key: string; count: number; step: number; stored: number }[];
      const perRun = new Map<string, number>();
      for (const r of rows) {
        expect(r.stored, `${r.run} ${r.key}`).toBe(r.count);
        expect(r.step, `${r.run} ${r.key}`).toBe(r.count - 1);
        perRun.set(r.run, (perRun.get(r.run) ?? 0) + r.count);
      }
      return perRun;
    } finally {
      db.close();
    }
  }

  const metricLines = (points: number) => {
    let out = '';
    for (let s = 0; s < points; s++)
      for (const k of ['loss', 'acc', 'lr'])
        out += `{"t":"metric","k":"${k}","v":${(1 / (s + 1)).toFixed(6)},"s":${s}}\n`;
    return out;
  };

  it('importing the inbox, killed at 26 points: each file is all in or still waiting, never half', async () => {
    const FILES = 24;
    const POINTS = 1500;
    const template = path.join(work.dir, 'inbox-template');
    fs.mkdirSync(template);
    expect(built(['init', template], template).status).toBe(0);
    const inbox = path.join(template, '.strata', 'inbox');
    fs.mkdirSync(inbox, { recursive: true });
    const body = metricLines(POINTS);
    for (let i = 0; i < FILES; i++) {
      const id = `inbox-${String(i).padStart(2, '0')}`;
      const start = JSON.stringify({ t: 'start', id, name: id, pid: 1, host: 'another-machine' });
      fs.writeFileSync(path.join(inbox, `${id}.jsonl`), `${start}\n${body}{"t":"end","status":"done"}\n`);
    }
    const fresh = (name: string) => {
      const dir = path.join(work.dir, name);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(template, dir, { recursive: true });
      return dir;
    };
    const whole = fresh('inbox-whole');
    const full = await killedAfter(['runs', '--json', '--project', whole], 60000);
    expect(full.finished).toBe(true);
    expect([...metricsConsistent(path.join(whole, '.strata', 'strata.db')).values()]).toEqual(
      new Array(FILES).fill(3 * POINTS),
    );

    const points = 26;
    let interrupted = 0;
    let midway = 0;
    for (let i = 0; i < points; i++) {
      const dir = fresh('inbox-killed');
      const r = await killedAfter(
        ['runs', '--json', '--project', dir],
        Math.round((full.took * (i + 0.5)) / points),
      );
      if (!r.finished) interrupted++;
      const perRun = metricsConsistent(path.join(dir, '.strata', 'strata.db'));
      const waiting = fs
        .readdirSync(path.join(dir, '.strata', 'inbox'))
        .map((n) => n.replace(/\.jsonl$/, ''));
      for (let f = 0; f < FILES; f++) {
        const id = `inbox-${String(f).padStart(2, '0')}`;
        // Imported whole, or not at all and its file still there to import next time.
        if (perRun.has(id)) expect(perRun.get(id), id).toBe(3 * POINTS);
        else expect(waiting, `${id} was lost`).toContain(id);
      }
      if (perRun.size > 0 && perRun.size < FILES) midway++;
      if (i === points - 1) {
        // The next start finishes the import, and nothing is imported twice.
        expect(built(['runs', '--json', '--project', dir], dir).status).toBe(0);
        expect([...metricsConsistent(path.join(dir, '.strata', 'strata.db')).values()]).toEqual(
          new Array(FILES).fill(3 * POINTS),
        );
        expect(fs.readdirSync(path.join(dir, '.strata', 'inbox'))).toEqual([]);
      }
    }
    expect(interrupted).toBeGreaterThanOrEqual(12);
    // Some kills landed midway through the import: some files in, others still waiting.
    expect(midway).toBeGreaterThanOrEqual(1);
  }, 120000);

  it('a run’s metrics being ingested, its runner killed at 12 points: every series stays whole', async () => {
    const POINTS = 15000;
    const dir = path.join(work.dir, 'pump');
    fs.mkdirSync(dir);
    // The step logs in 12 bursts, as training does, so the runner ingests in many transactions.
    const lines = metricLines(POINTS).split(/(?<=\n)/);
    const per = Math.ceil(lines.length / 12);
    fs.mkdirSync(path.join(dir, 'log'));
    for (let c = 0; c < 12; c++)
      fs.writeFileSync(
        path.join(dir, 'log', `${String(c).padStart(2, '0')}.jsonl`),
        lines.slice(c * per, (c + 1) * per).join(''),
      );
    fs.writeFileSync(
      path.join(dir, 'strata.yaml'),
      'stages:\n  train:\n    cmd: for f in log/*.jsonl; do cat $f >> "$STRATA_TRACKING_FILE"; sleep 0.03; done\n',
    );
    expect(built(['init', dir], dir).status).toBe(0);
    const dbPath = path.join(dir, '.strata', 'strata.db');
    const full = await killedAfter(['run', '--force', '--project', dir], 60000);
    expect(full.finished).toBe(true);
    const first = metricsConsistent(dbPath);
    expect([...first.values()]).toEqual([3 * POINTS]);

    const points = 12;
    for (let i = 0; i < points; i++) {
      await killedAfter(['run', '--force', '--project', dir], Math.round((full.took * (i + 0.5)) / points));
      metricsConsistent(dbPath);
    }
    // The next start marks the killed runs interrupted; what they ingested stays whole.
    const listed = built(['runs', '--json', '--project', dir], dir);
    expect(listed.status, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as { id: string; status: string }[];
    expect(runs.filter((r) => !['done', 'interrupted'].includes(r.status))).toEqual([]);
    // Some kills landed while the series were being written: those runs hold part of them.
    const perRun = metricsConsistent(dbPath);
    const partial = runs.filter((r) => r.status === 'interrupted' && (perRun.get(r.id) ?? 0) > 0);
    expect(partial.filter((r) => (perRun.get(r.id) as number) < 3 * POINTS).length).toBeGreaterThanOrEqual(1);
    metricsConsistent(dbPath);
  }, 120000);
});
