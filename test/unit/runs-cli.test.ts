import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function project(files: Record<string, string>): string {
  const t = tempDir('strata-runs-cli-');
  cleanup = t.cleanup;
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(t.dir, rel), text);
  return t.dir;
}

describe('run commands on bad input', () => {
  it('names file and line of a malformed strata.yaml, and an unknown stage', () => {
    const dir = project({
      'strata.yaml': 'stages:\n  a:\n    cmd: "true"\n    outs: [x]\n   bad indent: 1\n',
    });
    const r = runCli(['run', '--project', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^strata run: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/strata\\.yaml:5:\\d+: `),
    );
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'stages:\n  a: { cmd: "true" }\n');
    const unknown = runCli(['run', 'nope', '--project', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no stage "nope" in strata.yaml (stages: a)');
  }, 120000);

  it('runs a project that has only dvc.yaml and params.yaml, as it is', () => {
    const dir = project({
      'dvc.yaml':
        "stages:\n  square:\n    cmd: node -e \"require('fs').writeFileSync('out.txt', String(3 ** 2))\"\n    params: [power]\n    outs: [out.txt]\n",
      'params.yaml': 'power: 2\n',
    });
    const r = runCli(['run', '--project', dir]);
    expect(r.stderr).toContain('── square: running (never run successfully before)');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('9');
    const [run] = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout);
    expect(run.params).toEqual({ power: 2 });
  }, 120000);

  it('refuses bad flags and unknown runs with a one-line error', () => {
    const dir = project({ 'strata.yaml': 'stages: {}\n' });
    expect(runCli(['runs', '--status', 'bogus', '--project', dir])).toMatchObject({
      code: 2,
      stderr: 'strata runs: --status must be one of running, done, failed, cancelled, interrupted\n',
    });
    expect(runCli(['logs', 'zzz', '--project', dir])).toMatchObject({
      code: 1,
      stderr: 'strata logs: no run "zzz" in this project (see `strata runs`)\n',
    });
    expect(runCli(['show', 'zzz', '--project', dir])).toMatchObject({
      code: 1,
      stderr: 'strata show: no run "zzz" in this project (see `strata runs`)\n',
    });
    expect(runCli(['cancel', 'zzz', '--project', dir]).code).toBe(1);
    expect(runCli(['run', '--project', dir])).toMatchObject({ code: 1 });
    expect(runCli(['runs', '--project', dir]).stdout).toBe('no runs yet (start one with `strata run`)\n');
  }, 120000);
});
