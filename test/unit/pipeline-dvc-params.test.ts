import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSING, resolveString } from '../../electron/core/pipeline/dvc/interpolate.js';
import { parseParamsText } from '../../electron/core/pipeline/dvc/params-read.js';
import { parsePythonParams } from '../../electron/core/pipeline/dvc/python-params.js';
import { PyFloat, pyStr, unwrapPy } from '../../electron/core/pipeline/dvc/pyvalues.js';

describe('params files as DVC reads them', () => {
  it('Python: top-level literals, classes as maps, self.x in __init__; anything else left out, nothing run', () => {
    const text = `import os
A = 1
B: float = -2.5
C = "x" 'y'  # adjacent strings join
D = [1, (2, 3), {"k": None}]
E = 1, 2
F = os.environ["HOME"]
G = H = 3
I += 1
J = f"{A}"
K = r"c:\\new" + ""
L = "tab\\tend"
M = True; N = 0x10

def helper():
    inside = 1

class Model:
    depth = 4
    class Inner:
        width = 1.0
    def __init__(self, x):
        self.dropout = 0.2
        other = 5
    def fit(self):
        self.never = 1

if A:
    hidden = 1
`;
    expect(unwrapPy(parsePythonParams('p.py', text))).toEqual({
      A: 1,
      B: -2.5,
      C: 'xy',
      D: [1, [2, 3], { k: null }],
      E: [1, 2],
      L: 'tab\tend',
      M: true,
      N: 16,
      Model: { depth: 4, Inner: { width: 1 }, dropout: 0.2 },
    });
    expect(
      (parsePythonParams('p.py', text).Model as { Inner: { width: unknown } }).Inner.width,
    ).toBeInstanceOf(PyFloat);
  });

  it('a whole-valued float stays a float in YAML, JSON, TOML and Python, and prints as Python prints it', () => {
    expect(pyStr((parseParamsText('p.yaml', 'a: 1.0\n') as { a: unknown }).a)).toBe('1.0');
    expect(pyStr((parseParamsText('p.json', '{"a": 1.0, "b": 1}') as { a: unknown }).a)).toBe('1.0');
    expect(pyStr((parseParamsText('p.json', '{"a": 1.0, "b": 1}') as { b: unknown }).b)).toBe('1');
    expect(pyStr((parseParamsText('p.toml', 'a = 1.0\nb = 1\n') as { a: unknown }).a)).toBe('1.0');
    expect(pyStr((parseParamsText('p.py', 'a = 1.0\n') as { a: unknown }).a)).toBe('1.0');
    expect(unwrapPy(parseParamsText('p.json', '{"n": NaN, "s": "NaN 1.0", "i": -Infinity}'))).toEqual({
      n: NaN,
      s: 'NaN 1.0',
      i: -Infinity,
    });
    expect([1e-5, 1.5e-7, 0.0001, 123.25].map(pyStr)).toEqual(['1e-05', '1.5e-07', '0.0001', '123.25']);
    expect(pyStr(new PyFloat(1e16))).toBe('1e+16');
  });
});

describe('${} interpolation rules from DVC reference', () => {
  const data = {
    n: 3,
    on: true,
    name: "it's",
    args: { lr: 0.1, opt: { name: 'sgd' }, layers: [8, 'a b'], fast: true, slow: false, none: null },
    list: [1, 2],
  };
  it('a whole-field ${x} keeps its type; inside a string it prints as DVC prints it', () => {
    expect(resolveString('${n}', data, 'cmd', DEFAULT_PARSING)).toBe(3);
    expect(resolveString('${on}', data, 'cmd', DEFAULT_PARSING)).toBe(true);
    expect(resolveString('x=${on} n=${n} ${list[1]}', data, 'cmd', DEFAULT_PARSING)).toBe('x=true n=3 2');
    expect(resolveString('keep \\${n} as is', data, 'cmd', DEFAULT_PARSING)).toBe('keep ${n} as is');
  });

  it('a map in cmd becomes --key value arguments, quoted for the shell, per .dvc/config [parsing]', () => {
    expect(resolveString('train ${args}', data, 'cmd', DEFAULT_PARSING)).toBe(
      "train --lr 0.1 --opt.name sgd --layers 8 'a b' --fast --none None",
    );
    expect(resolveString('train ${args}', data, 'cmd', { bool: 'boolean_optional', list: 'append' })).toBe(
      "train --lr 0.1 --opt.name sgd --layers 8 --layers 'a b' --fast --no-slow --none None",
    );
    expect(resolveString('echo ${name}', data, 'cmd', DEFAULT_PARSING)).toBe("echo it's");
    expect(() => resolveString('x ${args}', data, 'outs', DEFAULT_PARSING)).toThrow(
      "cannot interpolate data of type 'dict' in ${args}",
    );
  });
});

describe('foreach and matrix naming, as DVC names generated stages', () => {
  it('a list of maps is named by index; matrix values that are lists or maps by axis and index', async () => {
    const { loadConfig } = await import('../../electron/core/config/load.js');
    const { tempDir } = await import('../helpers/cli.js');
    const { writeFiles } = await import('../helpers/dvc-project.js');
    const { dir, cleanup } = tempDir('strata-dvc-names-');
    try {
      writeFiles(dir, {
        'dvc.yaml': `stages:
  fit:
    foreach:
      - {name: a, n: 1}
      - {name: b, n: 2}
    do:
      cmd: echo \${item.name} \${item.n}
  grid:
    matrix:
      model: [tree, [1, 2]]
      on: [true, false]
    cmd: echo \${item.on} \${key}
`,
      });
      const stages = loadConfig(dir).config.stages;
      expect(Object.keys(stages)).toEqual([
        'fit@0',
        'fit@1',
        'grid@tree-true',
        'grid@tree-false',
        'grid@model1-true',
        'grid@model1-false',
      ]);
      expect(stages['fit@1'].cmd).toBe('echo b 2');
      expect(stages['grid@tree-false'].cmd).toBe('echo false tree-false');
    } finally {
      cleanup();
    }
  });
});
