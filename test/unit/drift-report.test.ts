import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { normals } from '../helpers/drift-data.js';

// A drift report's identity is the sha256 of its bytes: the same windows give the same files, in
// another project folder too, whenever they are asked for.
let engine: Engine;
const cleanups: (() => void)[] = [];
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

function csv(seed: number, n: number, shift = 0): string {
  const x = normals(seed, n, shift);
  return 'x,c\n' + Array.from(x, (v, i) => `${v},${'abc'[i % 3]}`).join('\n') + '\n';
}
function jsonl(seed: number, n: number, shift = 0): string {
  const x = normals(seed, n, shift);
  return Array.from(x, (v, i) => JSON.stringify({ x: v, c: 'abc'[i % 3] })).join('\n') + '\n';
}
function settle(file: string): void {
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}
function project(): string {
  const p = tempDir();
  cleanups.push(p.cleanup);
  fs.writeFileSync(path.join(p.dir, 'ref.csv'), csv(1, 3000));
  fs.mkdirSync(path.join(p.dir, 'logs'));
  const log = path.join(p.dir, 'logs', 'a.jsonl');
  fs.writeFileSync(log, jsonl(2, 1000) + jsonl(3, 1000, 0.5) + '{broken\n');
  settle(log);
  fs.writeFileSync(
    path.join(p.dir, 'strata.yaml'),
    'monitors:\n  churn:\n    reference: ref.csv\n    logs: logs\n    window: { rows: 1000 }\n',
  );
  Project.init(p.dir).close();
  return p.dir;
}
async function report(root: string) {
  engine.openProject(root);
  const state = await engine.invoke('drift.monitor', { name: 'churn', run: true });
  return { state, files: await engine.invoke('drift.report', { name: 'churn' }) };
}

beforeEach(() => {
  const home = tempDir('strata-home-');
  cleanups.push(home.cleanup);
  process.env.STRATA_HOME = home.dir;
  engine = new Engine({ services: [], rememberRecent: false });
});
afterEach(async () => {
  await engine.shutdown();
  cleanups.splice(0).forEach((c) => c());
  delete process.env.STRATA_HOME;
});

describe('drift reports are content-addressed', () => {
  it('the same windows give the same bytes, later and in another project; new windows a new hash', async () => {
    const a = project();
    const first = await report(a);
    expect(first.state.windows).toHaveLength(2);
    expect(first.state.malformed.count).toBe(1);
    for (const f of [first.files.html, first.files.json]) {
      expect(f.sha256).toBe(sha256(f.text));
      expect(f.fileName).toBe(
        `drift-churn-${f.sha256.slice(0, 16)}.${f === first.files.html ? 'html' : 'json'}`,
      );
    }
    // The page names the data it was drawn from.
    expect(first.files.html.text).toContain(`data: sha256 ${first.files.json.sha256}`);
    // The moment of asking is not part of the report: no run time, no computing time, no clock.
    const content = JSON.parse(first.files.json.text) as Record<string, unknown>;
    expect(content).not.toHaveProperty('lastRunAt');
    expect(first.files.json.text).not.toContain('computedMs');
    const today = new Date().toISOString().slice(0, 10);
    expect(first.files.html.text).not.toContain(today);
    expect(first.files.json.text).not.toContain(today);

    // Asked again after another (empty) run: a new lastRunAt, the same files.
    await new Promise((r) => setTimeout(r, 20));
    const again = await report(a);
    expect(again.state.lastRunAt).not.toBe(first.state.lastRunAt);
    expect(again.files).toEqual(first.files);

    // The project opened read-only for review gives the same files (a report writes nothing).
    const reviewer = new Engine({ readOnly: true, rememberRecent: false });
    try {
      await reviewer.invoke('project.open', { path: a });
      expect(await reviewer.invoke('drift.report', { name: 'churn' })).toEqual(first.files);
    } finally {
      await reviewer.shutdown();
    }

    // The same reference and logs in another folder, computed afresh: the same files.
    const b = project();
    const elsewhere = await report(b);
    expect(elsewhere.files.html.sha256).toBe(first.files.html.sha256);
    expect(elsewhere.files.json.text).toBe(first.files.json.text);

    // Another window is another report.
    const more = path.join(a, 'logs', 'b.jsonl');
    fs.writeFileSync(more, jsonl(4, 1000));
    settle(more);
    const grown = await report(a);
    expect(grown.state.windows).toHaveLength(3);
    expect(grown.files.json.sha256).not.toBe(first.files.json.sha256);
    expect(grown.files.html.sha256).not.toBe(first.files.html.sha256);
  });

  it('strata monitor --report writes both files under their hashes, which sha256 of the bytes confirms', async () => {
    const a = project();
    const { files } = await report(a);
    await engine.shutdown();
    engine = new Engine({ services: [], rememberRecent: false });
    const out = path.join(a, 'reports');
    const r = runCli(['monitor', 'churn', '--report', out, '--project', a]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // the second window drifted
    const written = fs.readdirSync(out).sort();
    expect(written).toEqual([files.html.fileName, files.json.fileName].sort());
    for (const name of written) {
      const hash = sha256(fs.readFileSync(path.join(out, name)));
      expect(name).toContain(hash.slice(0, 16));
      expect(r.stdout).toContain(`${path.join(out, name)} (sha256 ${hash})`);
    }
  }, 60_000);
});
