import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-compare-cli-');
afterAll(() => t.cleanup());

describe('strata compare', () => {
  it('lists what differs between two real runs of the example, and everything with --all', () => {
    const dir = path.join(t.dir, 'tabular');
    fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), dir, {
      recursive: true,
      filter: (p) => !p.includes('.strata'),
    });
    expect(runCli(['run', '--project', dir]).code).toBe(0);
    const params = path.join(dir, 'params.yaml');
    fs.writeFileSync(
      params,
      fs.readFileSync(params, 'utf8').replace('learning_rate: 0.1', 'learning_rate: 0.3'),
    );
    expect(runCli(['run', '--project', dir]).code).toBe(0);
    const runs = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout) as {
      id: string;
      startedAt: number;
    }[];
    const [older, newer] = [...runs].sort((a, b) => a.startedAt - b.startedAt).map((r) => r.id);

    const json = runCli(['compare', older, newer, '--json', '--project', dir]);
    expect(json.code).toBe(0);
    const diff = JSON.parse(json.stdout);
    expect(diff.params['train.learning_rate']).toEqual({ values: [0.1, 0.3], differs: true });
    expect(diff.params['train.epochs'].differs).toBe(false);
    expect(diff.metrics['test.accuracy'].values).toHaveLength(2);

    const text = runCli(['compare', older, newer, '--project', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/≠ train\.learning_rate\s+0\.1 {2}\| {2}0\.3/);
    expect(text.stdout).not.toContain('train.epochs');
    expect(runCli(['compare', older, newer, '--all', '--project', dir]).stdout).toMatch(
      / {2}train\.epochs\s+60 {2}\| {2}60/,
    );

    // The newer run as if it had run with another interpreter and one package upgraded: --all names
    // that package, the interpreter and the OS, and counts the identical packages instead of listing them.
    const db = new Database(path.join(dir, '.strata', 'strata.db'));
    const envOf = (id: string) =>
      JSON.parse(db.prepare('SELECT environment FROM runs WHERE id = ?').pluck().get(id) as string);
    const env = envOf(older);
    const freeze = [...(env.pipFreeze ?? []), 'scikit_learn==1.4.2', 'numpy==1.26.4', 'tqdm==4.66.0'];
    db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(
      JSON.stringify({ ...env, pipFreeze: freeze }),
      older,
    );
    db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(
      JSON.stringify({
        ...env,
        python: '3.12.1',
        pipFreeze: freeze.map((l) => (l === 'numpy==1.26.4' ? 'numpy==2.0.1' : l)),
      }),
      newer,
    );
    db.close();
    const all = runCli(['compare', older, newer, '--all', '--project', dir]);
    expect(all.code).toBe(0);
    const envLines = all.stdout
      .split('environment\n')[1]
      .split(/\n(?=\S)/)[0]
      .split('\n');
    expect(envLines).toContainEqual(
      expect.stringMatching(/^ {2}≠ packages\.numpy\s+1\.26\.4 {2}\| {2}2\.0\.1$/),
    );
    expect(envLines).toContainEqual(expect.stringMatching(/^ {2}≠ python\s+\S+ {2}\| {2}3\.12\.1$/));
    expect(envLines).toContainEqual(expect.stringMatching(/^ {4}os\.platform\s+linux {2}\| {2}linux$/));
    expect(envLines).toContainEqual(
      expect.stringMatching(/^ {4}\d+ packages the same in every run \(--json lists them\)$/),
    );
    expect(all.stdout).not.toMatch(/scikit|tqdm|pipFreeze/);
    // Each line says one thing: no package list folded into one value.
    expect(Math.max(...envLines.map((l) => l.length))).toBeLessThan(200);
    const envJson = JSON.parse(runCli(['compare', older, newer, '--json', '--project', dir]).stdout);
    expect(envJson.env['packages.scikit-learn']).toEqual({ values: ['1.4.2', '1.4.2'], differs: false });
  }, 180000);

  it('refuses one run, and names a run that does not exist', () => {
    const dir = path.join(t.dir, 'empty');
    expect(runCli(['init', dir]).code).toBe(0);
    const one = runCli(['compare', 'abc', '--project', dir]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two runs');
    const missing = runCli(['compare', 'nope1', 'nope2', '--project', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope1');
  });
});
