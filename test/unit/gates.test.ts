import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-gates-');
afterAll(() => t.cleanup());
const root = path.join(t.dir, 'proj');
// The real CLI, run from inside the project folder (the compiled one under npm test).
const cli = (...args: string[]) =>
  runCli(args, { cwd: root, env: { STRATA_HOME: path.join(t.dir, 'home') } });

const train = `
import fs from 'node:fs';
const [acc, north] = fs.readFileSync('acc.txt', 'utf8').trim().split(',').map(Number);
fs.writeFileSync('model.bin', 'weights ' + acc);
fs.writeFileSync('metrics.json', JSON.stringify({ accuracy: acc, 'accuracy/region=north': north, 'accuracy/region=south': acc }));
`;

/** One pipeline run that trains a model version with these metrics. */
function trainVersion(acc: number, north: number): void {
  fs.writeFileSync(path.join(root, 'acc.txt'), `${acc},${north}`);
  const r = cli('run');
  expect(r.code, r.stderr).toBe(0);
}

describe('gates', () => {
  it('judge value and change thresholds per slice; a failing version cannot become champion without an override, which is recorded', () => {
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'train.mjs'), train);
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      `artifacts:
  model: { path: model.bin, kind: model }
stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs, acc.txt]
    outs: [model.bin]
    metrics: [metrics.json]
gates:
  model:
    - { metric: accuracy, min: 0.7 }
    - { metric: "accuracy/region=*", min: 0.6 }
    - { metric: accuracy, change: { direction: higher, absolute: -0.01 } }
`,
    );
    trainVersion(0.8, 0.75);
    const first = JSON.parse(cli('gates', 'model@1', '--json').stdout);
    expect(first.status).toBe('pass');
    expect(first.champion).toBe(null);
    expect(
      first.gates.map((g: { metric: string; kind: string; status: string }) => [g.metric, g.kind, g.status]),
    ).toEqual([
      ['accuracy', 'value', 'pass'],
      ['accuracy/region=north', 'value', 'pass'],
      ['accuracy/region=south', 'value', 'pass'],
      ['accuracy', 'change', 'pass'],
    ]);
    expect(first.gates[3].message).toBe('no champion yet: change thresholds pass for the first model');
    expect(cli('tag', 'model@1', 'champion').code).toBe(0);

    // Overall better, but the north slice falls under its bound.
    trainVersion(0.85, 0.5);
    const junit = path.join(t.dir, 'gates.xml');
    const second = cli('gates', 'model@2', '--junit', junit);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(
      'FAIL  accuracy/region=north ≥ 0.6: accuracy/region=north = 0.5; required accuracy/region=north ≥ 0.6',
    );
    expect(second.stdout).toContain(
      'ok    accuracy vs champion (higher is better): change ≥ -0.01: accuracy = 0.85 vs champion (version 1) 0.8: change +0.05',
    );
    expect(fs.readFileSync(junit, 'utf8')).toContain('failures="1"');

    const refused = cli('tag', 'model@2', 'champion');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'model@2 fails its gates, so it cannot become champion: accuracy/region=north ≥ 0.6: accuracy/region=north = 0.5',
    );
    expect(JSON.parse(cli('show', 'model@champion', '--json').stdout).version.number).toBe(1);
    // Another alias is not gated.
    expect(cli('tag', 'model@2', 'candidate').code).toBe(0);

    const forced = cli('tag', 'model@2', 'champion', '--override', 'north data is being relabelled');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(cli('show', 'model@champion', '--json').stdout).version.number).toBe(2);
    const after = JSON.parse(cli('gates', 'model@2', '--json').stdout);
    expect(after.overrides).toHaveLength(1);
    expect(after.overrides[0]).toMatchObject({ alias: 'champion', reason: 'north data is being relabelled' });
    expect(after.overrides[0].who).toMatch(/.+@.+/);
    expect(after.overrides[0].failures.map((g: { metric: string }) => g.metric)).toEqual([
      'accuracy/region=north',
    ]);

    // Worse than the champion (now version 2, 0.85) by more than 0.01.
    trainVersion(0.82, 0.9);
    const third = JSON.parse(cli('gates', 'model@3', '--json').stdout);
    expect(third.status).toBe('fail');
    expect(third.gates.find((g: { kind: string }) => g.kind === 'change')).toMatchObject({
      status: 'fail',
      value: 0.82,
      champion: 0.85,
    });
  }, 180000);

  it('a version no run recorded cannot be judged: exit 2', () => {
    fs.writeFileSync(path.join(root, 'model.bin'), 'hand-made');
    expect(cli('add', 'model.bin').code).toBe(0);
    const r = cli('gates', 'model@latest');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('was not recorded by a run, so it has no metrics to judge');
  }, 60000);
});
