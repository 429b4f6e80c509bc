import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * Fault injection in the store: for every n, the n-th file-system call of an add, a checkout and a
 * gc fails (EIO, ENOSPC and EACCES in turn), in the calling thread and, separately, in the worker
 * threads that hash and collect. Real files and real SQLite: test/helpers/fs-faults.cjs wraps
 * node:fs in every thread of a driver process (store-faults-driver.mjs), which after each fault
 * checks that it fired, that the error is a clear one, that fsck and SQLite find the store and
 * database consistent, and that the same operation then works.
 */
interface Trial {
  op: string;
  thread: 'main' | 'worker';
  n: number;
  code: string;
  outcome: { ok: true } | { ok: false; code: string; message: string; strata: boolean };
  fired: { fn: string; path: string } | null;
  problem: string | null;
}

// tmpfs where there is one: the trials sync often, and a slow disk would only make them slower.
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

function drive(op: string): Promise<{ totals: Record<string, number>; trials: Trial[]; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(base, `strata-faults-${op}-`));
  const spec = path.join(dir, 'spec');
  fs.writeFileSync(spec, '');
  const root = path.join(dir, 'projects');
  fs.mkdirSync(root);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        path.join(repoRoot, 'test/helpers/fs-faults.cjs'),
        path.join(repoRoot, 'test/helpers/store-faults-driver.mjs'),
        op,
      ],
      {
        env: {
          ...process.env,
          STRATA_FAULT_ROOT: root,
          STRATA_FAULT_LOG: path.join(dir, 'log'),
          STRATA_FAULT_SPEC: spec,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      fs.rmSync(dir, { recursive: true, force: true });
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Trial & { total?: number });
      const totals: Record<string, number> = {};
      for (const l of lines) if (l.total !== undefined) totals[l.thread] = l.total;
      resolve({ totals, trials: lines.filter((l) => l.total === undefined), stderr });
    });
  });
}

beforeAll(() => {
  // The driver runs the compiled engine; `npm test` has just built it.
  if (process.env.STRATA_TEST_BUILT === '1') return;
  const r = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: repoRoot, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 180000);

describe('a file-system call failing at every point of a store operation', () => {
  for (const op of ['add', 'checkout', 'gc']) {
    it(`${op}: each fault fires, gives a clear error or is survived, and leaves the store consistent and usable`, async () => {
      const { totals, trials, stderr } = await drive(op);
      // Both threads make calls, and every n was tried.
      expect(totals.main, stderr).toBeGreaterThan(0);
      expect(totals.worker, stderr).toBeGreaterThan(0);
      expect(trials.length, stderr).toBe(totals.main + totals.worker);
      const codes = new Set<string>();
      for (const t of trials) {
        const where = `${op}, call ${t.n} in the ${t.thread} thread failing with ${t.code}`;
        expect(t.fired, `${where}: the fault did not fire`).not.toBeNull();
        codes.add(t.code);
        if (!t.outcome.ok)
          expect(t.outcome.strata, `${where}: a raw error reached the caller: ${t.outcome.message}`).toBe(
            true,
          );
        expect(t.problem, `${where} (${t.fired?.fn} ${t.fired?.path})`).toBeNull();
      }
      expect([...codes].sort()).toEqual(['EACCES', 'EIO', 'ENOSPC']);
      // Most faults must stop the operation: one that never fails would mean faults were not reaching it.
      expect(trials.filter((t) => !t.outcome.ok).length).toBeGreaterThan(trials.length / 2);
    }, 300000);
  }
});
