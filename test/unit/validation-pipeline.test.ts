import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-valpipe-');
afterAll(() => t.cleanup());
const root = path.join(t.dir, 'proj');
// The real CLI, run from inside the project folder (the compiled one under npm test).
const cli = (...args: string[]) =>
  runCli(args, { cwd: root, env: { STRATA_HOME: path.join(t.dir, 'home') } });

const yaml = (severity: string) => `artifacts:
  train: { path: data/train.csv, kind: dataset }
stages:
  train:
    cmd: node -e "require('fs').writeFileSync('model.txt', 'm')"
    deps: [data/train.csv]
    outs: [model.txt]
  evaluate:
    cmd: node -e "require('fs').writeFileSync('score.txt', '1')"
    deps: [model.txt]
    outs: [score.txt]
validations:
  train:
    rules:
      - { column: age, min: 0, severity: ${severity} }
      - { column: age, not_null: true, severity: ${severity} }
`;

type Stage = { stage: string; status: string; reason: string };
const stagesOfLastRun = (): Stage[] => {
  const [run] = JSON.parse(cli('runs', '--json').stdout);
  return JSON.parse(cli('show', run.id, '--json').stdout).stages as Stage[];
};

describe('validation in the pipeline', () => {
  it('an error-level failure stops the stage and everything downstream with the reason; a warning does not', () => {
    fs.mkdirSync(path.join(root, 'data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'train.csv'), 'age\n30\n-1\n\n-2\n');
    fs.writeFileSync(path.join(root, 'strata.yaml'), yaml('error'));
    const failed = cli('run');
    expect(failed.code).toBe(1);
    const stages = stagesOfLastRun();
    const by = (name: string) => stages.find((s) => s.stage === name)!;
    expect(stages.map((s) => s.stage)).toEqual(['validate:train', 'train', 'evaluate']);
    expect(by('validate:train')).toMatchObject({ status: 'failed' });
    expect(by('validate:train').reason).toContain('data/train.csv@1 fail (0 passed, 2 failed');
    expect(by('train')).toMatchObject({
      status: 'failed',
      reason: 'train not run: data/train.csv@1 failed 2 checks',
    });
    expect(by('evaluate')).toMatchObject({ status: 'skipped', reason: 'not reached: stage train failed' });
    expect(fs.existsSync(path.join(root, 'model.txt'))).toBe(false);
    // The version the stage would have read is recorded, and its report is the stored one.
    const [report] = JSON.parse(cli('validate', 'train@1', '--json').stdout);
    expect(report).toMatchObject({ cached: true, status: 'fail' });

    fs.writeFileSync(path.join(root, 'strata.yaml'), yaml('warn'));
    const warned = cli('run');
    expect(warned.code, warned.stderr).toBe(0);
    const after = stagesOfLastRun();
    expect(after.find((s) => s.stage === 'validate:train')).toMatchObject({ status: 'done' });
    expect(after.find((s) => s.stage === 'train')!.status).toBe('done');
    expect(after.find((s) => s.stage === 'evaluate')!.status).toBe('done');
  }, 120000);
});
