// Names that are properties of every JavaScript object (__proto__, constructor, toString) as artifact,
// stage, alias, metric and param names: `__proto__` is refused where a person names something (an
// object cannot hold it as a key), the others are ordinary names everywhere; data keys (metrics,
// params) are first-class, __proto__ included. And names have a maximum length.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../electron/core/config/load.js';
import { StrataError } from '../../shared/errors.js';
import { NAME_MAX } from '../../shared/names.js';
import { runCli, tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function project(files: Record<string, string>): string {
  const t = tempDir('strata-names-');
  cleanup = t.cleanup;
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), text);
  }
  return t.dir;
}

function loadError(dir: string): StrataError {
  try {
    loadConfig(dir);
  } catch (err) {
    return err as StrataError;
  }
  throw new Error('expected the config to be refused');
}

describe('names in strata.yaml and dvc.yaml', () => {
  it('refuses __proto__ as an artifact, stage, validation, monitor or target name, with file and line', () => {
    for (const section of ['artifacts', 'stages', 'validations', 'monitors', 'targets']) {
      const value =
        section === 'artifacts' ? '{ path: data/a.csv }' : section === 'stages' ? '{ cmd: "true" }' : '{}';
      const dir = project({ 'strata.yaml': `# names\n${section}:\n  ok: ${value}\n  __proto__: ${value}\n` });
      const err = loadError(dir);
      expect(err.code, section).toBe('CONFIG_INVALID');
      expect(err.message, section).toBe(
        `${section}.__proto__: "__proto__" is reserved in JavaScript; pick another name`,
      );
      expect(err.where, section).toMatchObject({ file: path.join(dir, 'strata.yaml'), line: 4 });
      cleanup!();
    }
    const dvc = project({ 'dvc.yaml': 'stages:\n  __proto__:\n    cmd: "true"\n' });
    const err = loadError(dvc);
    expect(err.message).toMatch(/^stages\.__proto__: "__proto__" is reserved/);
    expect(err.where).toMatchObject({ file: path.join(dvc, 'dvc.yaml'), line: 2, column: 3 });
  });

  it('refuses names longer than the maximum', () => {
    const long = 'a'.repeat(NAME_MAX + 1);
    const dir = project({ 'strata.yaml': `stages:\n  ${long}: { cmd: "true" }\n` });
    expect(loadError(dir).message).toBe(
      `stages.${long}: a name has at most ${NAME_MAX} characters, this one ${NAME_MAX + 1}`,
    );
    cleanup!();
    const ok = project({ 'strata.yaml': `stages:\n  ${'a'.repeat(NAME_MAX)}: { cmd: "true" }\n` });
    expect(Object.keys(loadConfig(ok).config.stages)).toEqual(['a'.repeat(NAME_MAX)]);
  });

  it('keeps constructor and toString as ordinary artifact and stage names, end to end', () => {
    const dir = project({
      'strata.yaml':
        'artifacts:\n  constructor: { path: data/a.csv }\n  toString: { path: data/b.csv }\n' +
        "stages:\n  constructor:\n    cmd: node -e \"require('fs').writeFileSync('c.txt', 'c')\"\n    outs: [c.txt]\n" +
        "  toString:\n    cmd: node -e \"require('fs').writeFileSync('t.txt', 't')\"\n    deps: [c.txt]\n    outs: [t.txt]\n",
      'data/a.csv': 'x\n1\n',
      'data/b.csv': 'y\n2\n',
    });
    const loaded = loadConfig(dir).config;
    expect(Object.keys(loaded.artifacts)).toEqual(['constructor', 'toString']);
    expect(Object.keys(loaded.stages)).toEqual(['constructor', 'toString']);
    const run = runCli(['run', 'toString', '--project', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 't.txt'), 'utf8')).toBe('t');
    expect(runCli(['add', 'data/a.csv', '--project', dir]).code).toBe(0);
    const versions = runCli(['versions', 'constructor', '--json', '--project', dir]);
    expect(versions.code, versions.stderr).toBe(0);
    expect(JSON.parse(versions.stdout)).toMatchObject({ artifact: 'constructor' });
  }, 120000);
});

describe('names given on the command line', () => {
  it('refuses __proto__ and over-long names for artifacts and aliases; a file named __proto__ gets a safe name', () => {
    const dir = project({
      'strata.yaml': 'artifacts: {}\n',
      'data/__proto__.csv': 'x\n1\n',
      'data/b.csv': 'y\n',
    });
    const named = runCli(['add', 'data/b.csv', '--name', '__proto__', '--project', dir]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      '"__proto__" cannot be an artifact name: "__proto__" is reserved in JavaScript',
    );
    const long = runCli(['add', 'data/b.csv', '--name', 'b'.repeat(NAME_MAX + 1), '--project', dir]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain(`at most ${NAME_MAX} characters`);
    // Named after the file, it would be __proto__: it gets a name the next load keeps.
    expect(runCli(['add', 'data/__proto__.csv', '--project', dir]).code).toBe(0);
    const declared = loadConfig(dir).config.artifacts;
    expect(Object.values(declared).map((a) => a.path)).toEqual(['data/__proto__.csv']);
    const name = Object.keys(declared)[0];
    expect(name).not.toBe('__proto__');
    const tag = runCli(['tag', `${name}@1`, '__proto__', '--project', dir]);
    expect(tag.code).not.toBe(0);
    expect(tag.stderr).toContain('"__proto__" cannot be an alias');
  }, 120000);
});

describe('metric and param names from data', () => {
  it('records __proto__, constructor and toString as params and metrics, and reruns when one changes', () => {
    const write =
      'const fs = require("fs");' +
      'fs.writeFileSync("metrics.json", \'{"__proto__": 1, "constructor": 2, "toString": 3, "acc": 0.5, "' +
      'k'.repeat(300) +
      '": 4}\');';
    const dir = project({
      'strata.yaml':
        'stages:\n  train:\n    cmd: node write.cjs\n    deps: [write.cjs]\n' +
        '    params: [__proto__, constructor, toString, lr]\n    metrics: [metrics.json]\n',
      'params.yaml': '__proto__: 6\nconstructor: 5\ntoString: 7\nlr: 0.1\n',
      'write.cjs': write,
    });
    const first = runCli(['run', '--project', dir]);
    expect(first.code, first.stderr).toBe(0);
    const [run] = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout);
    expect(run.params).toEqual(JSON.parse('{"__proto__": 6, "constructor": 5, "toString": 7, "lr": 0.1}'));
    expect(Object.keys(run.metrics).sort()).toEqual(['__proto__', 'acc', 'constructor', 'toString']);
    expect(run.metrics.constructor).toBe(2);

    const again = runCli(['run', '--project', dir]);
    expect(again.stderr).toContain('train: skipped (up to date');
    fs.writeFileSync(path.join(dir, 'params.yaml'), '__proto__: 8\nconstructor: 5\ntoString: 7\nlr: 0.1\n');
    const changed = runCli(['run', '--project', dir]);
    expect(changed.stderr).toContain('params changed: __proto__ 6 → 8');

    const runs = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout) as { id: string }[];
    const diff = runCli(['compare', runs[0].id, runs[runs.length - 1].id, '--json', '--project', dir]);
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout);
    expect(Object.hasOwn(d.params, '__proto__')).toBe(true);
    expect(d.params.__proto__.values).toEqual([8, 6]);
    expect(d.params.constructor).toMatchObject({ differs: false });
  }, 120000);
});
