import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const cli =
  process.env.STRATA_TEST_BUILT === '1'
    ? `"${process.execPath}" "${path.join(repoRoot, 'bin', 'strata.js')}"`
    : `"${process.execPath}" --import tsx "${path.join(repoRoot, 'electron', 'cli', 'main.ts')}"`;

describe('a reader that goes away', () => {
  it('ends the command with exit 0 and nothing on stderr (strata … | head)', () => {
    // The reader closes its end at once and lingers, so every write of strata's meets a closed pipe.
    for (const args of ['--help', 'runs --help', 'client path']) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${cli} ${args} | (exec 0<&-; sleep 1)`], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60000,
      });
      expect(r.stderr, args).not.toMatch(/EPIPE|Unhandled/);
      expect(r.status, args).toBe(0);
    }
  });
});

describe('strata client path', () => {
  it('names the Python package folder (pyproject.toml) and the Node client', () => {
    const r = spawnSync('bash', ['-c', `${cli} client path --json`], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const paths = JSON.parse(r.stdout) as { python: string; node: string; nodeEntry: string };
    expect(paths.python).toBe(path.join(repoRoot, 'resources', 'clients', 'python'));
    expect(paths.nodeEntry).toBe(path.join(repoRoot, 'resources', 'clients', 'node', 'strata-client.mjs'));
    const one = spawnSync('bash', ['-c', `${cli} client path python`], { cwd: repoRoot, encoding: 'utf8' });
    expect(one.stdout.trim()).toBe(paths.python);
    const bad = spawnSync('bash', ['-c', `${cli} client where`], { cwd: repoRoot, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
