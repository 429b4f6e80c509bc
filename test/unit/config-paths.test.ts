// Paths in strata.yaml and dvc.yaml that leave the project are refused when the file loads, with
// file and line: deps, outs, metrics, plots, params files, wdir and artifact paths. Before, an outside
// metrics file was read, an absolute out was quietly made relative, and `../../x` as an artifact path
// was accepted until the next add.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../electron/core/config/load.js';
import { normalizeStages } from '../../electron/core/pipeline/stages.js';
import type { StrataError } from '../../shared/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function project(files: Record<string, string>): string {
  const t = tempDir('strata-paths-');
  cleanups.push(t.cleanup);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), text);
  }
  return t.dir;
}

function refusal(dir: string): StrataError {
  try {
    loadConfig(dir);
  } catch (err) {
    return err as StrataError;
  }
  throw new Error('expected the config to be refused');
}

const stage = (body: string) => `stages:\n  train:\n    cmd: python train.py\n${body}`;

describe('stage paths outside the project', () => {
  const cases: [string, string, number][] = [
    ['deps', '    deps:\n      - data/ok.csv\n      - ../secret.csv\n', 6],
    ['outs', '    outs:\n      - /tmp/model.pkl\n', 5],
    ['metrics', '    metrics:\n      - ../../home/other/metrics.json\n', 5],
    ['plots', '    plots:\n      - sub/../../plots.csv\n', 5],
    ['outs as a map', '    outs:\n      - ../model.pkl:\n          cache: false\n', 5],
    ['a params file', '    params:\n      - lr\n      - ../shared/params.yaml: [epochs]\n', 6],
    ['wdir', '    wdir: ../elsewhere\n', 4],
    ['a Windows path', '    deps:\n      - C:\\data\\x.csv\n', 5],
    ['the store', '    outs:\n      - .strata/objects/x\n', 5],
  ];
  for (const [what, body, line] of cases) {
    it(`refuses ${what} with file and line`, () => {
      for (const file of ['strata.yaml', 'dvc.yaml']) {
        const dir = project({ [file]: stage(body) });
        const err = refusal(dir);
        expect(err.code, `${what} in ${file}`).toBe('CONFIG_INVALID');
        expect(err.message, `${what} in ${file}`).toMatch(
          /^stages\.train\.\w+.*: .*(outside the project|absolute path|\.strata)/,
        );
        expect(err.where, `${what} in ${file}`).toMatchObject({ file: path.join(dir, file), line });
      }
    });
  }

  it('measures a path from the wdir: ../x from a sub-folder is inside, ../../x is not', () => {
    const inside = project({
      'strata.yaml': stage('    wdir: src\n    deps: [../data/train.csv]\n    outs: [model.pkl]\n'),
    });
    const [s] = normalizeStages(loadConfig(inside).config);
    expect(s.deps).toEqual(['data/train.csv']);
    expect(s.outs).toEqual(['src/model.pkl']);
    const outside = project({ 'strata.yaml': stage('    wdir: src\n    deps: [../../train.csv]\n') });
    expect(refusal(outside).message).toBe(
      'stages.train.deps.0: ../../train.csv is outside the project (from the wdir src); paths must stay inside it',
    );
  });

  it('stops `strata run` before anything runs or is read', () => {
    const dir = project({
      'strata.yaml': stage('    metrics: [../outside-metrics.json]\n'),
      'train.py': '',
    });
    const r = runCli(['run', '--project', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'strata.yaml')}:4:`);
    expect(r.stderr).toContain('../outside-metrics.json is outside the project');
  }, 60000);
});

describe('artifact and params-file paths outside the project', () => {
  it('refuses an artifact path that leaves the project, at load', () => {
    for (const p of ['../../x', '/etc/passwd', 'data/../../x']) {
      const dir = project({ 'strata.yaml': `artifacts:\n  data:\n    path: ${p}\n` });
      const err = refusal(dir);
      expect(err.message, p).toMatch(/^artifacts\.data\.path: /);
      expect(err.where, p).toMatchObject({ line: 3 });
    }
  });

  it('refuses a top-level params file outside the project', () => {
    const dir = project({ 'strata.yaml': 'params:\n  - params.yaml\n  - ../other.yaml\n' });
    const err = refusal(dir);
    expect(err.message).toBe('params.1: ../other.yaml is outside the project; paths must stay inside it');
    expect(err.where).toMatchObject({ line: 3 });
  });

  it('accepts ordinary paths, names with dots, and a dep of the whole project', () => {
    const dir = project({
      'strata.yaml':
        'artifacts:\n  data: { path: data/train.csv }\n  hidden: { path: .cache/x }\n' +
        stage('    deps: [data/train.csv, ..data/odd, ./src/]\n    outs: [models/]\n    metrics: [m.json]\n'),
    });
    expect(Object.keys(loadConfig(dir).config.stages)).toEqual(['train']);
  });
});
