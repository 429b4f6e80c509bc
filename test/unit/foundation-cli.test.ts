import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, runCliAsync, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const env = { STRATA_HOME: path.join(t.dir, 'home') };

describe('strata CLI (foundation commands)', () => {
  it('init then status --json reports the new project in WAL mode', () => {
    const dir = path.join(t.dir, 'p');
    const init = runCli(['init', dir], { env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Initialised Strata project');
    const status = runCli(['status', dir, '--json'], { env });
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json).toMatchObject({
      root: dir,
      name: 'p',
      journalMode: 'wal',
      config: { source: 'strata.yaml' },
    });
    const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('fails with one clear line on stderr and a non-zero exit', () => {
    const missing = runCli(['status', path.join(t.dir, 'nowhere')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^strata status: .*No folder at/);

    const bad = path.join(t.dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'strata.yaml'), 'stages:\n  train:\n    cmd: [\n');
    const malformed = runCli(['status', bad, '--json'], { env });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain(`${path.join(bad, 'strata.yaml')}:`);

    const unknownFlag = runCli(['status', '--jsn'], { env });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('unknown option --jsn');

    const unknown = runCli(['frobnicate'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('has --help for every command', async () => {
    const top = runCli(['--help'], { env });
    expect(top.code).toBe(0);
    const names = [...top.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['init', 'status', 'ui']));
    const helps = await Promise.all(names.map((name) => runCliAsync([name, '--help'], { env })));
    helps.forEach((help, i) => {
      expect(help.code, names[i]).toBe(0);
      expect(help.stdout, names[i]).toMatch(new RegExp(`^usage: strata ${names[i]}`));
    });
  }, 120000);

  it('rejects a bad --port for ui without starting a server', () => {
    const r = runCli(['ui', '--port', 'abc', '--no-open'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port must be a number');
  });
});
