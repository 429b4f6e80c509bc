import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot, tempDir, type CliResult } from '../helpers/cli.js';
import { storeOf } from '../helpers/store.js';

// test/helpers/cli.ts passes `--import tsx`, which node resolves from the cwd: these tests run the CLI
// from inside a project folder, so tsx is named by its absolute URL instead.
const tsx = import.meta.resolve('tsx');
function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): CliResult {
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, path.join(repoRoot, 'electron', 'cli', 'main.ts'), ...args],
    {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      encoding: 'utf8',
      timeout: 120000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const t = tempDir();
afterAll(() => t.cleanup());
const root = path.join(t.dir, 'proj');
const env = { STRATA_HOME: path.join(t.dir, 'home') };
const cli = (...args: string[]) => runCli(args, { cwd: root, env });
const json = (...args: string[]) => {
  const r = cli(...args, '--json');
  expect(r.stderr, `strata ${args.join(' ')}`).toBe('');
  expect(r.code, `strata ${args.join(' ')}`).toBe(0);
  return JSON.parse(r.stdout);
};
const write = (rel: string, data: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
};

describe('strata versioning commands', () => {
  it('runs the whole cycle: add, versions, show, diff, tag, checkout, fsck, gc', () => {
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      '# my project\nname: demo # inline note\nartifacts: {}\nstages: {}\n',
    );
    write('data/train.csv', 'id,city,score\n1,Oslo,0.5\n2,Rome,0.7\n');
    write('data/notes/a b ü.txt', 'spaces and unicode');

    const v1 = json('add', 'data', '--kind', 'dataset', '-m', 'first cut');
    expect(v1).toMatchObject({ artifact: 'data', version: 1, created: true, declared: true });
    const yaml = fs.readFileSync(path.join(root, 'strata.yaml'), 'utf8');
    expect(yaml).toContain('# my project');
    expect(yaml).toContain('name: demo # inline note');
    expect(yaml).toContain('artifacts:\n  data:\n    path: data\n    kind: dataset\n');

    expect(json('add', 'data')).toMatchObject({ version: 1, created: false, declared: false });

    write('data/train.csv', 'id,city,score,label\n1,Oslo,0.5,a\n2,Rome,0.9,b\n3,,1.0,a\n');
    fs.rmSync(path.join(root, 'data/notes/a b ü.txt'));
    write('data/new.jsonl', '{"x":1}\n');
    expect(json('add', 'data', '-m', 'second')).toMatchObject({ version: 2, created: true });

    const listed = json('versions', 'data');
    expect(listed.versions.map((v: { number: number; message: string }) => [v.number, v.message])).toEqual([
      [2, 'second'],
      [1, 'first cut'],
    ]);

    const shown = json('show', 'data@1');
    expect(shown.version.number).toBe(1);
    expect(shown.entries.map((e: { path: string }) => e.path)).toEqual(['notes/a b ü.txt', 'train.csv']);

    const d = json('diff', 'data@1', 'data@latest');
    expect(d.added.map((f: { path: string }) => f.path)).toEqual(['new.jsonl']);
    expect(d.removed.map((f: { path: string }) => f.path)).toEqual(['notes/a b ü.txt']);
    expect(d.changed.map((f: { path: string }) => f.path)).toEqual(['train.csv']);
    const table = d.tabular.find((x: { path: string }) => x.path === 'train.csv');
    expect(table).toMatchObject({ rowDelta: 1, addedColumns: ['label'], removedColumns: [] });
    const city = table.after.columns.find((c: { name: string }) => c.name === 'city');
    expect(city).toMatchObject({ type: 'string', nulls: 1, distinct: 2 });
    const score = table.after.columns.find((c: { name: string }) => c.name === 'score');
    expect(score).toMatchObject({ type: 'number', min: 0.5, max: 1 });
    expect(score.mean).toBeCloseTo(0.8);
    const human = cli('diff', 'data@1', 'data@2');
    expect(human.stdout).toContain('1 added, 1 removed, 1 changed');
    expect(human.stdout).toContain('+ column label');

    expect(json('tag', 'data@1', 'champion').aliases).toEqual(['champion']);
    expect(json('tag', 'data@2', 'champion').aliases).toEqual(['champion']);
    expect(json('show', 'data@champion').version.number).toBe(2);
    expect(
      json('versions', 'data').aliasHistory.map(
        (h: { alias: string; previous: number | null; version: number }) => [h.alias, h.previous, h.version],
      ),
    ).toEqual([
      ['champion', null, 1],
      ['champion', 1, 2],
    ]);

    expect(json('checkout', 'data@1').number).toBe(1);
    expect(fs.readFileSync(path.join(root, 'data/notes/a b ü.txt'), 'utf8')).toBe('spaces and unicode');
    expect(fs.existsSync(path.join(root, 'data/new.jsonl'))).toBe(false);

    write('data/train.csv', 'local edit that is in no version');
    const refused = cli('checkout', 'data@2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/changes that are in no version.*--force/);
    expect(fs.readFileSync(path.join(root, 'data/train.csv'), 'utf8')).toBe(
      'local edit that is in no version',
    );
    expect(json('checkout', 'data@2', '--force').number).toBe(2);
    expect(fs.readFileSync(path.join(root, 'data/train.csv'), 'utf8')).toContain('label');

    expect(json('fsck')).toMatchObject({ ok: true, bad: [], missing: [] });
    expect(json('gc', '--grace-minutes', '0')).toMatchObject({ applied: false, unreferenced: 0 });
  }, 180000);

  it('works from a subfolder and with --project', () => {
    const sub = path.join(root, 'data', 'notes');
    fs.mkdirSync(sub, { recursive: true });
    const r = runCli(['versions', 'data', '--json'], { cwd: sub, env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).versions).toHaveLength(2);
    const elsewhere = runCli(['versions', 'data', '--json', '--project', root], { cwd: t.dir, env });
    expect(elsewhere.code).toBe(0);
    const none = runCli(['versions', 'data'], { cwd: t.dir, env });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No Strata project here/);
  });

  it('answers bad input with one clear line and a non-zero exit', () => {
    const cases: [string[], number, RegExp][] = [
      [['show', 'data@9'], 1, /data@9 does not exist: versions are 1 to 2; aliases: champion/],
      [['show', 'nope@1'], 1, /No artifact named "nope"/],
      [['diff', 'data@1'], 2, /two versions/],
      [['add', '../outside'], 1, /outside the project/],
      [['add', 'missing.csv'], 1, /does not exist/],
      [['add', 'data', '--kind', 'table'], 2, /--kind must be dataset, model or other/],
      [['tag', 'data@1', 'latest'], 2, /cannot be an alias/],
      [['gc', '--grace-minutes', 'soon'], 2, /--grace-minutes/],
    ];
    for (const [args, code, message] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 120000);

  it('fsck finds a damaged object, quarantines it, and exits non-zero; gc removes what no version uses', () => {
    const store = storeOf(root);
    const objects = store.objects;
    const shown = json('show', 'data@1');
    const victim = shown.entries.find((e: { path: string }) => e.path === 'notes/a b ü.txt').hash as string;
    // A small file: its content is in a pack, and the rot is written into the pack in place.
    expect(store.packed(victim)).toBe(true);
    const rotten = store.damage(victim, 'bit rot');
    const r = cli('fsck', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.bad.map((b: { hash: string }) => b.hash)).toEqual([victim]);
    expect(report.missing).toEqual([{ artifact: 'data', version: 1, path: 'notes/a b ü.txt', hash: victim }]);
    expect(store.read(victim)).toBeNull();
    expect(fs.readFileSync(report.bad[0].quarantinedTo)).toEqual(rotten);

    const orphan = 'f'.repeat(64);
    fs.mkdirSync(path.join(objects, 'ff'), { recursive: true });
    fs.writeFileSync(path.join(objects, 'ff', orphan.slice(2)), 'nobody uses me');
    expect(json('gc', '--grace-minutes', '0')).toMatchObject({ applied: false, unreferenced: 1, bytes: 14 });
    expect(fs.existsSync(path.join(objects, 'ff', orphan.slice(2)))).toBe(true);
    expect(json('gc')).toMatchObject({ unreferenced: 0, young: 1 });
    expect(json('gc', '--yes', '--grace-minutes', '0')).toMatchObject({ applied: true, unreferenced: 1 });
    expect(fs.existsSync(path.join(objects, 'ff', orphan.slice(2)))).toBe(false);
  }, 120000);
});
