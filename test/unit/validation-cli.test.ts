import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const root = path.join(t.dir, 'proj');
// The real CLI, run from inside the project folder (the compiled one under npm test).
const cli = (...args: string[]) =>
  runCli(args, { cwd: root, env: { STRATA_HOME: path.join(t.dir, 'home') } });

/** The JUnit file as Python's XML parser reads it: suites with their counts, cases with their outcome. */
function parseJunit(file: string) {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = {"tests": root.get("tests"), "failures": root.get("failures"), "errors": root.get("errors"), "cases": []}
for case in root.iter("testcase"):
    kind = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
    el = case.find(kind) if kind != "passed" else None
    out["cases"].append({"name": case.get("name"), "outcome": kind, "text": (el.text or "") if el is not None else ""})
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('strata validate', () => {
  it('reports known violations with exact counts and rows, exit 1, and JUnit that parses', () => {
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      `# project
artifacts: {}
stages: {}
validations:
  train: # rules for the training table
    rules:
      - { column: age, min: 0, max: 120 }
      - { column: id, unique: true }
      - { column: city, not_null: true, severity: warn }
      - { column: age, type: integer }
`,
    );
    fs.writeFileSync(path.join(root, 'train.csv'), 'id,age,city\n1,30,Oslo\n2,150,\n2,-1,Rome\n4,50,Oslo\n');
    expect(cli('add', 'train.csv', '--kind', 'dataset').code).toBe(0);
    const junit = path.join(t.dir, 'junit.xml');
    const r = cli('validate', '--junit', junit);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  age between 0 and 120: 2 of 4 rows where age is not a number between 0 and 120',
    );
    expect(r.stdout).toContain('row 2: age=150');
    expect(r.stdout).toContain('row 3: age=-1');
    expect(r.stdout).toContain('warn  city is never empty: 1 of 4 rows where city is empty');
    const x = parseJunit(junit);
    expect([x.tests, x.failures, x.errors]).toEqual(['4', '2', '0']);
    expect(x.cases.map((c: { name: string; outcome: string }) => [c.name, c.outcome])).toEqual([
      ['age between 0 and 120', 'failure'],
      ['id is unique', 'failure'],
      ['city is never empty', 'passed'],
      ['age is integer', 'passed'],
    ]);
    expect(x.cases[1].text).toContain('row 2: id=2\nrow 3: id=2');

    const json = cli('validate', 'train@1', '--json');
    expect(json.code).toBe(1);
    const [report] = JSON.parse(json.stdout);
    expect(report.cached).toBe(true);
    expect(report.files[0].checks[0]).toMatchObject({ failing: 2, total: 4 });
  });

  it('exits 0 when only warnings fail, and 2 for rules it cannot use', () => {
    const yaml = fs.readFileSync(path.join(root, 'strata.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      yaml.replace(/rules:[\s\S]*/, 'rules:\n      - { column: city, not_null: true, severity: warn }\n'),
    );
    expect(cli('validate').code).toBe(0);
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      yaml.replace(/rules:[\s\S]*/, 'rules:\n      - { column: agee, min: 0 }\n'),
    );
    const missing = cli('validate');
    expect(missing.code).toBe(2);
    const line = (needle: string) =>
      fs
        .readFileSync(path.join(root, 'strata.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1;
    expect(missing.stdout).toContain(
      `ERR   agee at least 0: the rule names "agee", not a column of train.csv (strata.yaml line ${line('agee')}); its columns are id, age, city`,
    );
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      yaml.replace(/rules:[\s\S]*/, 'rules:\n      - { column: age, regex: "[" }\n'),
    );
    const junit = path.join(t.dir, 'bad.xml');
    const bad = cli('validate', '--junit', junit);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`strata.yaml:${line('regex')}:9: validations.train.rules.0.regex: `);
    expect(parseJunit(junit).errors).toBe('1');
  });
});
