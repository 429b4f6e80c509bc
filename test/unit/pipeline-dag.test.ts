import { afterEach, describe, expect, it } from 'vitest';
import { StrataError } from '../../shared/errors.js';
import { buildDag, selectStages, downstreamOf } from '../../electron/core/pipeline/dag.js';
import { readAllParams, stageParams } from '../../electron/core/pipeline/params.js';
import { normalizeStages } from '../../electron/core/pipeline/stages.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

function dagError(config: string, files: Record<string, string> = {}): StrataError {
  fx = makeProject(config, files);
  try {
    buildDag(fx.dir, fx.project.config);
  } catch (err) {
    expect(err).toBeInstanceOf(StrataError);
    return err as StrataError;
  }
  throw new Error('expected the DAG to be refused');
}

describe('pipeline DAG', () => {
  it('orders stages from outs to deps, whatever the order in the file', () => {
    fx = makeProject(
      `stages:
  c: { cmd: "true", deps: [b.txt], outs: [c.txt] }
  a: { cmd: "true", deps: [in.txt], outs: [a.txt] }
  b: { cmd: "true", deps: [a.txt], outs: [b.txt] }
`,
      { 'in.txt': 'x' },
    );
    const dag = buildDag(fx.dir, fx.project.config);
    expect(dag.order.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(selectStages(dag, ['b'], fx.project.config).map((s) => s.name)).toEqual(['a', 'b']);
    expect(downstreamOf(dag, ['a.txt']).map((s) => s.name)).toEqual(['b', 'c']);
  });

  it('refuses a cycle, naming the stages and the line', () => {
    const err = dagError(`stages:
  a:
    cmd: "true"
    deps: [b.txt]
    outs: [a.txt]
  b:
    cmd: "true"
    deps: [a.txt]
    outs: [b.txt]
`);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/cycle: (a → b → a|b → a → b)/);
    expect(err.where?.file).toMatch(/strata\.yaml$/);
    expect([2, 6]).toContain(err.where?.line);
  });

  it('refuses a dep that does not exist and that no stage writes', () => {
    const err = dagError(`stages:
  train:
    cmd: "true"
    deps: [data/missing.csv]
`);
    expect(err.message).toContain('stage "train" depends on data/missing.csv');
    expect(err.where?.line).toBe(2);
  });

  it('refuses two stages writing the same out, and outs inside each other', () => {
    const same = dagError(`stages:
  one: { cmd: "true", outs: [model.bin] }
  two: { cmd: "true", outs: [model.bin] }
`);
    expect(same.message).toContain('stages "one" and "two" both write model.bin');
    expect(same.where?.line).toBe(3);
    fx?.cleanup();
    const nested = dagError(`stages:
  one: { cmd: "true", outs: [data] }
  two: { cmd: "true", outs: [data/x.csv] }
`);
    expect(nested.message).toContain('overlaps data');
  });

  it('resolves paths against wdir and reads DVC-style dict deps', () => {
    fx = makeProject(
      `stages:
  s:
    cmd: "true"
    wdir: sub
    deps: [{ in.txt: { cache: false } }]
    outs: [../out/x.bin]
    params: [lr, { other.json: [a.b] }]
`,
      { 'sub/in.txt': '1', 'sub/params.yaml': 'lr: 0.5\n', 'sub/other.json': '{"a":{"b":3,"c":4}}' },
    );
    const [s] = normalizeStages(fx.project.config.config);
    expect(s.deps).toEqual(['sub/in.txt']);
    expect(s.outs).toEqual(['out/x.bin']);
    expect(stageParams(fx.dir, s)).toEqual({ 'sub/params.yaml:lr': 0.5, 'sub/other.json:a.b': 3 });
  });
});

describe('params files', () => {
  it('parses YAML tags safely: a python/object tag is an error with its line, not an object', () => {
    fx = makeProject('stages:\n  s: { cmd: "true", params: [model.kind] }\n', {
      'params.yaml': 'model:\n  kind: !!python/object/apply:os.system ["touch pwned"]\n',
    });
    const [s] = normalizeStages(fx.project.config.config);
    let err: StrataError | null = null;
    try {
      stageParams(fx.dir, s);
    } catch (e) {
      err = e as StrataError;
    }
    expect(err?.code).toBe('CONFIG_INVALID');
    expect(err?.message).toMatch(/tag/i);
    expect(err?.where).toMatchObject({ line: 2 });
  });

  it('flattens nested params and names a declared key that is missing', () => {
    fx = makeProject('stages:\n  s: { cmd: "true", params: [train.lr, train.nope] }\n', {
      'params.yaml': 'train:\n  lr: 0.1\n  layers: [1, 2]\n',
    });
    const stages = normalizeStages(fx.project.config.config);
    expect(readAllParams(fx.dir, stages)).toEqual({ 'train.lr': 0.1, 'train.layers': [1, 2] });
    expect(() => stageParams(fx!.dir, stages[0])).toThrow(
      /uses the param train.nope, which params.yaml does not define/,
    );
  });
});
