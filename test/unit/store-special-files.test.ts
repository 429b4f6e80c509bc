import { describe, it, expect, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { parseEntries } from '../../electron/core/store/manifest.js';
import { manifestText } from '../../electron/core/store/repo.js';
import { StrataError } from '../../shared/errors.js';
import { spawnCli, tempDir, type CliResult } from '../helpers/cli.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs the CLI, killing it after ms: a hang is a failure with its output so far, never a stuck test. */
function cliWithin(
  ms: number,
  args: string[],
  cwd: string,
  during?: () => void,
): Promise<CliResult & { hung: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, { cwd });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
    during?.();
  });
}

function project(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  Project.init(t.dir).close();
  return t.dir;
}

const canMknod = (() => {
  const t = tempDir();
  try {
    return spawnSync('mknod', [path.join(t.dir, 'd'), 'c', '1', '3']).status === 0;
  } finally {
    t.cleanup();
  }
})();

describe('a large file truncated while it is being copied into the store', () => {
  it('is detected and retried, and the add finishes (Node’s copyFile spun forever on it)', async () => {
    const root = project();
    const big = path.join(root, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(256 << 20, 7));
    const tmpDir = path.join(root, '.strata', 'objects', 'tmp');
    let truncated = false;
    const r = await cliWithin(60000, ['add', 'big.bin', '--json'], root, () => {
      // Truncate as soon as the copy into the store has begun: the temp file has bytes.
      const poll = () => {
        const names = fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : [];
        const copying = names.some(
          (n) => (fs.statSync(path.join(tmpDir, n), { throwIfNoEntry: false })?.size ?? 0) > 0,
        );
        if (copying) {
          fs.truncateSync(big, (2 << 20) + 1);
          truncated = true;
        } else setTimeout(poll, 1);
      };
      poll();
    });
    expect(truncated).toBe(true);
    expect(r.hung, `strata add did not finish within 60 s; stderr: ${r.stderr}`).toBe(false);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The retry saw the file at rest and versioned what it now holds.
    const p = Project.open(root);
    cleanups.push(() => p.close());
    const [entry] = parseEntries(manifestText(p, JSON.parse(r.stdout).rootHash).entries);
    expect(entry.size).toBe((2 << 20) + 1);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  }, 90000);
});

describe('special files', () => {
  it('a FIFO is refused by name instead of blocking the add forever', async () => {
    const root = project();
    expect(spawnSync('mkfifo', [path.join(root, 'pipe')]).status).toBe(0);
    const r = await cliWithin(30000, ['add', 'pipe'], root);
    expect(r.hung, 'strata add on a FIFO hung').toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /pipe is a FIFO, not a regular file; Strata versions regular files and folders only/,
    );
  }, 40000);

  it.skipIf(!canMknod)('a character device made with mknod is refused by name (root only)', async () => {
    const root = project();
    expect(spawnSync('mknod', [path.join(root, 'dev0'), 'c', '1', '3']).status).toBe(0);
    const p = Project.open(root);
    cleanups.push(() => p.close());
    const err = await recordVersion(p, { path: 'dev0', source: 'manual' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('BAD_REQUEST');
    expect((err as StrataError).message).toMatch(/dev0 is a character device, not a regular file/);
    expect(p.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(0);
  });

  it('FIFOs and devices inside a folder are skipped and listed, in the result and the CLI output', async () => {
    const root = project();
    const data = path.join(root, 'data');
    fs.mkdirSync(path.join(data, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(data, 'a.csv'), 'x\n1\n');
    fs.writeFileSync(path.join(data, 'sub', 'b.csv'), 'x\n2\n');
    expect(spawnSync('mkfifo', [path.join(data, 'sub', 'pipe')]).status).toBe(0);
    if (canMknod) expect(spawnSync('mknod', [path.join(data, 'dev0'), 'c', '1', '3']).status).toBe(0);
    const r = await cliWithin(30000, ['add', 'data'], root);
    expect(r.hung, 'strata add of a folder holding a FIFO hung').toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skipped data\/sub\/pipe \(a FIFO, not a regular file\)/);
    if (canMknod) expect(r.stdout).toMatch(/skipped data\/dev0 \(a character device, not a regular file\)/);

    fs.writeFileSync(path.join(data, 'c.csv'), 'x\n3\n');
    const p = Project.open(root);
    cleanups.push(() => p.close());
    const v = await recordVersion(p, { path: 'data', source: 'manual' });
    expect(v.skipped).toEqual([
      ...(canMknod ? [{ path: 'dev0', kind: 'character device' }] : []),
      { path: 'sub/pipe', kind: 'FIFO' },
    ]);
    const paths = parseEntries(manifestText(p, v.rootHash).entries).map((e) => e.path);
    expect(paths).toEqual(['a.csv', 'c.csv', 'sub/b.csv']);
  }, 40000);
});
