import { describe, it, expect, afterAll } from 'vitest';
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
