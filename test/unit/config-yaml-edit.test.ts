import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { insertMapEntry } from '../../electron/core/config/yaml-edit.js';

const entry = 'other:\n  path: other.csv\n  kind: dataset\n';

describe('adding an entry to strata.yaml', () => {
  it('keeps every other byte: flow lists, inline maps, comments, spacing and order', () => {
    const text = [
      '# my project',
      'artifacts:',
      '  data: {path: data/, kind: dataset}   # inline map',
      '',
      'stages:',
      '  train:',
      '    cmd: python train.py',
      '    deps: [src/train.py, data/]',
      '    outs: [model.pkl]',
      '',
    ].join('\n');
    const out = insertMapEntry(text, 'artifacts', entry);
    expect(out).toBe(
      text.replace(
        '  data: {path: data/, kind: dataset}   # inline map\n',
        '  data: {path: data/, kind: dataset}   # inline map\n  other:\n    path: other.csv\n    kind: dataset\n',
      ),
    );
    expect(parse(out).artifacts.other).toEqual({ path: 'other.csv', kind: 'dataset' });
  });

  it('follows the indentation the file uses', () => {
    const text = 'artifacts:\n    a:\n        path: a\n        kind: model\nstages: {}\n';
    const out = insertMapEntry(text, 'artifacts', entry);
    expect(out).toBe(
      'artifacts:\n    a:\n        path: a\n        kind: model\n    other:\n      path: other.csv\n      kind: dataset\nstages: {}\n',
    );
    expect(Object.keys(parse(out).artifacts)).toEqual(['a', 'other']);
  });

  it('turns the template `artifacts: {}` into a block, adds a missing section at the end, fills an empty one', () => {
    expect(insertMapEntry('artifacts: {} # none yet\nstages: {}\n', 'artifacts', entry)).toBe(
      'artifacts:\n  other:\n    path: other.csv\n    kind: dataset # none yet\nstages: {}\n',
    );
    expect(insertMapEntry('stages: {}', 'artifacts', entry)).toBe(
      'stages: {}\nartifacts:\n  other:\n    path: other.csv\n    kind: dataset\n',
    );
    expect(parse(insertMapEntry('artifacts:\nstages: {}\n', 'artifacts', entry))).toEqual({
      artifacts: { other: { path: 'other.csv', kind: 'dataset' } },
      stages: {},
    });
  });

  it('adds to a flow map with entries in flow style', () => {
    const out = insertMapEntry('artifacts: {a: {path: a, kind: model}}\n', 'artifacts', entry);
    expect(out).toBe('artifacts: {a: {path: a, kind: model}, other: {path: other.csv, kind: dataset}}\n');
  });
});
