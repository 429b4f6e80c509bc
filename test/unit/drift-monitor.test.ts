import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import type { MonitorState } from '../../shared/api/drift.js';
import { runCliAsync, spawnCli, tempDir } from '../helpers/cli.js';
import { categories, normals, uniform } from '../helpers/drift-data.js';

// Monitors through the engine as the UI calls them: real log files, the real worker, the real database.
let engine: Engine;
let root: string;
const cleanups: (() => void)[] = [];

function rows(seed: number, n: number, shift = 0, newCategory = 0): Record<string, unknown>[] {
  const x = normals(seed, n, shift);
  const c = categories(seed + 1, n, [5, 3, 2]);
  const u = uniform(seed + 2);
  return Array.from({ length: n }, (_, i) => {
    const proba = u();
    const label = u() < proba ? 1 : 0;
    return {
      id: `r${seed}-${i}`,
      x: x[i],
      c: u() < newCategory ? 'z' : ['a', 'b', 'c'][c[i]],
      proba,
      pred: proba >= 0.5 ? 1 : 0,
      label,
    };
  });
}
const jsonl = (r: Record<string, unknown>[]) => r.map((x) => JSON.stringify(x)).join('\n') + '\n';
const csv = (r: Record<string, unknown>[]) =>
  [Object.keys(r[0]).join(','), ...r.map((x) => Object.values(x).join(','))].join('\n') + '\n';
/** Log files are read once they have been quiet for the settle time: age them as a finished file is. */
function settle(file: string): void {
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}

beforeEach(() => {
  const home = tempDir('strata-home-');
  const project = tempDir();
  cleanups.push(home.cleanup, project.cleanup);
  process.env.STRATA_HOME = home.dir;
  root = project.dir;
  fs.writeFileSync(path.join(root, 'ref.csv'), csv(rows(1, 5000)));
  fs.mkdirSync(path.join(root, 'logs'));
  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    [
      'monitors:',
      '  churn:',
      '    reference: ref.csv',
      '    logs: logs',
      '    window: { rows: 1000 }',
      '    prediction: pred',
      '    probability: proba',
      '    label: label',
      '    id: id',
      '',
    ].join('\n'),
  );
  Project.init(root).close();
  engine = new Engine({ services: [], rememberRecent: false });
  engine.openProject(root);
});
afterEach(async () => {
  await engine.shutdown();
  cleanups.splice(0).forEach((c) => c());
  delete process.env.STRATA_HOME;
});

describe('drift monitors over prediction logs', () => {
  it('cuts windows, flags the shifted one, counts malformed lines by file:line, waits for unsettled files', async () => {
    const first = path.join(root, 'logs', '001.jsonl');
    const good = rows(2, 2000);
    fs.writeFileSync(
      first,
      jsonl(good.slice(0, 10)) + 'not json at all\n' + jsonl(good.slice(10)) + '[1, 2]\n',
    );
    settle(first);
    const second = path.join(root, 'logs', '002.csv');
    fs.writeFileSync(second, csv(rows(3, 1000, 1, 0.3)));
    settle(second);

    const s = await engine.invoke('drift.monitor', { name: 'churn', run: true });
    expect(s.error).toBeNull();
    expect(s.windows.map((w) => w.rows)).toEqual([1000, 1000, 1000]);
    expect(s.windows.map((w) => w.report.alert)).toEqual([false, false, true]);
    const last = s.windows[2].report.columns;
    expect(last.find((c) => c.name === 'x')!.status).toBe('drift');
    expect(last.find((c) => c.name === 'c')!.newCategories).toEqual(['z']);
    // The model's own columns are not compared as features.
    expect(last.map((c) => c.name).sort()).toEqual(['c', 'x']);
    expect(s.malformed.count).toBe(2);
    expect(s.malformed.first).toEqual([
      { file: path.join('logs', '001.jsonl'), line: 11, reason: expect.stringMatching(/not JSON/) },
      { file: path.join('logs', '001.jsonl'), line: 2002, reason: 'not a JSON object' },
    ]);
    expect(s.alert).toBe(true);
    // Labels logged with the predictions give accuracy per window; probabilities give CBPE.
    expect(s.windows[0].performance!.labelled).toBe(1000);
    expect(s.windows[0].performance!.accuracy).toBeGreaterThan(0.6);
    expect(s.windows[0].estimated!.accuracy).toBeGreaterThan(0.6);
    expect(s.windows[0].estimated!.low).toBeLessThan(s.windows[0].estimated!.accuracy);
    // The report exports as one page with its charts inline and nothing to fetch or run.
    const { html: htmlFile } = await engine.invoke('drift.report', { name: 'churn' });
    const html = htmlFile.text;
    expect(html).toContain('Drift report: churn');
    expect(html).toMatch(/<svg[^>]*aria-label="columns by window"/);
    expect(html).not.toMatch(/<script|<link|src=/);

    // A file still being written is left for later; appended lines of a read file are read once.
    const third = path.join(root, 'logs', '003.jsonl');
    fs.writeFileSync(third, jsonl(rows(4, 1000)));
    // Still being written: its mtime keeps moving (here: set ahead, so a slow run cannot outlast it).
    const ahead = new Date(Date.now() + 60_000);
    fs.utimesSync(third, ahead, ahead);
    fs.appendFileSync(first, jsonl(rows(5, 500)));
    settle(first);
    const s2 = await engine.invoke('drift.monitor', { name: 'churn', run: true });
    expect(s2.unsettled).toEqual([path.join('logs', '003.jsonl')]);
    expect(s2.windows.length).toBe(3);
    expect(s2.pendingRows).toBe(500);
    settle(third);
    const s3 = await engine.invoke('drift.monitor', { name: 'churn', run: true });
    expect(s3.windows.length).toBe(4);
    expect(s3.pendingRows).toBe(500);
    expect(s3.windows[3].firstRow).toBe(3000);
  });

  it('a window with too few values in a column says "not enough data" and raises no alert', async () => {
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    window: { rows: 1000 }\n    min_sample_size: 200\n',
    );
    engine.openProject(root);
    const r = rows(6, 1000, 2).map((x, i) => ({ ...x, x: i < 150 ? x.x : null }));
    const file = path.join(root, 'logs', 'a.jsonl');
    fs.writeFileSync(file, jsonl(r));
    settle(file);
    const s = await engine.invoke('drift.monitor', { name: 'm', run: true });
    const x = s.windows[0].report.columns.find((c) => c.name === 'x')!;
    expect(x.status).toBe('not_enough_data');
    expect(x.message).toMatch(/150 values .* at least 200/);
  });

  it('labels arriving later join by id, and ADWIN marks the window where the error rate rose', async () => {
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    labels: labels\n    id: id\n    prediction: pred\n    window: { rows: 2000 }\n',
    );
    engine.openProject(root);
    fs.mkdirSync(path.join(root, 'labels'));
    const u = uniform(9);
    const preds = Array.from({ length: 10000 }, (_, i) => ({ id: `p${i}`, x: u(), c: 'a', pred: 1 }));
    const labels = preds.map((p, i) => ({ id: p.id, label: u() < (i < 6000 ? 0.95 : 0.6) ? 1 : 0 }));
    const logFile = path.join(root, 'logs', 'p.jsonl');
    fs.writeFileSync(logFile, jsonl(preds));
    settle(logFile);
    let s = await engine.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.labels).toEqual({ joined: 0, waiting: 10000 });
    const labelFile = path.join(root, 'labels', 'l.jsonl');
    fs.writeFileSync(labelFile, jsonl(labels));
    settle(labelFile);
    s = await engine.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.labels).toEqual({ joined: 10000, waiting: 0 });
    expect(s.detections.map((d) => d.detector)).toEqual(['adwin']);
    expect(s.detections[0].window).toBe(3);
    expect(s.windows[0].performance!.accuracy).toBeGreaterThan(0.9);
    expect(s.windows[4].performance!.accuracy).toBeLessThan(0.7);
  });

  it('windows by time: a period is complete once a row of the next one arrives', async () => {
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    window: { every: 1h, time_column: time }\n',
    );
    engine.openProject(root);
    const start = Date.parse('2026-11-30T06:00:00Z');
    // 300 rows an hour for three hours, one every 12 s.
    const logged = rows(7, 900).map((r, i) => ({ ...r, time: new Date(start + i * 12_000).toISOString() }));
    const file = path.join(root, 'logs', 'p.jsonl');
    fs.writeFileSync(file, jsonl(logged));
    settle(file);
    const s = await engine.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.windows.map((w) => [w.rows, w.from, w.to])).toEqual([
      [300, '2026-11-30T06:00:00.000Z', '2026-11-30T06:59:48.000Z'],
      [300, '2026-11-30T07:00:00.000Z', '2026-11-30T07:59:48.000Z'],
    ]);
    expect(s.pendingRows).toBe(300);
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    window: { every: 1h }\n',
    );
    expect(() => Project.open(root)).toThrow(/time_column/);
  });

  it('runs at the same time, in this process and from the CLI in another, store every line once', async () => {
    const file = path.join(root, 'logs', 'a.jsonl');
    fs.writeFileSync(file, jsonl(rows(8, 5000)));
    settle(file);
    const [cli, ...states] = await Promise.all([
      runCliAsync(['monitor', 'churn', '--json', '--project', root]),
      engine.invoke('drift.monitor', { name: 'churn', run: true }),
      engine.invoke('drift.monitor', { name: 'churn', run: true }),
    ]);
    expect(cli.stderr).toBe('');
    for (const s of states) expect(s.error).toBeNull();
    const s = await engine.invoke('drift.monitor', { name: 'churn' });
    expect(s.windows.map((w) => w.firstRow)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(s.labels.joined).toBe(5000);
  });

  it("a monitor with a million labelled predictions is summed up without holding the host's event loop", async () => {
    const file = path.join(root, 'logs', 'a.jsonl');
    fs.writeFileSync(file, jsonl(rows(10, 1000)));
    settle(file);
    await engine.invoke('drift.monitor', { name: 'churn', run: true });
    // The predictions of a long-running service, as runs would have stored them.
    const db = engine.requireProject().db;
    const ins = db.prepare(
      'INSERT INTO drift_predictions (monitor, row, window, id, prediction, label) VALUES (?, ?, 0, ?, ?, ?)',
    );
    db.transaction(() => {
      for (let i = 1000; i < 1_000_000; i++) ins.run('churn', i, `q${i}`, '1', i % 7 ? '1' : '0');
    })();
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    try {
      const started = performance.now();
      const s = await engine.invoke('drift.monitor', { name: 'churn' });
      const took = performance.now() - started;
      await new Promise((r) => setTimeout(r, 50));
      expect(s.labels.joined).toBe(1_000_000);
      // Joining and running the detectors takes seconds; the timer never waits more than a fraction.
      expect(took).toBeGreaterThan(300);
      expect(longest).toBeLessThan(took / 2);
    } finally {
      clearInterval(timer);
    }
  });

  it('a FIFO named like a log in the logs or labels folder is skipped and reported, never read (which would block)', async () => {
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    labels: labels\n    id: id\n    prediction: pred\n    window: { rows: 1000 }\n',
    );
    fs.mkdirSync(path.join(root, 'labels'));
    const log = path.join(root, 'logs', 'b.jsonl');
    fs.writeFileSync(log, jsonl(rows(11, 1000)));
    settle(log);
    for (const f of [path.join(root, 'logs', 'a.jsonl'), path.join(root, 'labels', 'l.jsonl')]) {
      expect(spawnSync('mkfifo', [f]).status).toBe(0);
      settle(f);
    }
    // In another process: a read of a FIFO blocks the thread that makes it, so a hang is a timeout here.
    const child = spawnCli(['monitor', 'm', '--json', '--project', root]);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(timer);
    expect(code).toBe(0);
    const s = JSON.parse(stdout) as MonitorState;
    expect(s.error).toBeNull();
    expect(s.special).toEqual([
      { file: path.join('logs', 'a.jsonl'), kind: 'FIFO' },
      { file: path.join('labels', 'l.jsonl'), kind: 'FIFO' },
    ]);
    expect(s.windows.map((w) => w.rows)).toEqual([1000]);
  }, 90_000);

  it('an unknown monitor and a bad monitor entry are clear errors', async () => {
    await expect(engine.invoke('drift.monitor', { name: 'nope' })).rejects.toThrow(
      /No monitor named "nope".*churn/,
    );
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    window: { rows: -5 }\n',
    );
    let err: unknown = null;
    try {
      Project.open(root);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/window\.rows/) });
    expect((err as { where: { file: string; line: number } }).where).toMatchObject({ line: 5 });
  });
});
