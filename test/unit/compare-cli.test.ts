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
