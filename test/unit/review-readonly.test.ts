import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FsckReport } from '../../shared/api/artifacts.js';
import type { VerifyState } from '../../shared/api/review.js';
import { Engine } from '../../electron/core/engine.js';
import { runCli, tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Every entry under dir: its kind, size, mtime (ns) and, for a file, the sha256 of its bytes. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs, { bigint: true });
    const hash = st.isFile() ? crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex') : '';
    out.set(rel || '.', `${st.isDirectory() ? 'd' : 'f'} ${st.size} ${st.mtimeNs} ${hash}`);
    if (st.isDirectory()) for (const e of fs.readdirSync(abs).sort()) walk(path.join(rel, e));
  };
  walk('');
  return out;
}

const reviewCopies = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('strata-review-'));

describe('read-only review', () => {
  it('reads runs, versions, metrics, lineage and the report, verifies the store, and changes no byte or mtime', async () => {
    const { dir, cleanup } = tempDir('strata-readonly-');
    cleanups.push(cleanup);
    fs.writeFileSync(
      path.join(dir, 'strata.yaml'),
      `artifacts:
  rows: { path: rows.csv, kind: dataset }
  model: { path: model.txt, kind: model }
stages:
  fit:
    cmd: node fit.js
    deps: [rows.csv]
    outs: [model.txt]
    metrics: [metrics.json]
`,
    );
    fs.writeFileSync(path.join(dir, 'rows.csv'), 'a,b\n1,2\n3,4\n');
    fs.writeFileSync(
      path.join(dir, 'fit.js'),
      "const fs = require('fs');\nfs.writeFileSync('model.txt', String(fs.readFileSync('rows.csv', 'utf8').length));\nfs.writeFileSync('metrics.json', JSON.stringify({ acc: 0.9 }));\n",
    );
    const run = runCli(['run', '--json', '--project', dir]);
    expect(run.code, run.stderr).toBe(0);
    const runId = JSON.parse(run.stdout).id as string;
    // A damaged object must be reported by the background check, and left where it is.
    const packs = path.join(dir, '.strata', 'objects', 'packs');
    const pack = path.join(
      packs,
      fs.readdirSync(packs).find((f) => f.endsWith('.pack'))!,
    );
    const bytes = fs.readFileSync(pack);
    bytes[bytes.length - 2] ^= 0xff;
    fs.writeFileSync(pack, bytes);
    const copiesBefore = reviewCopies();
    const before = snapshot(dir);

    const engine = new Engine({ readOnly: true, rememberRecent: false });
    try {
      const summary = await engine.invoke('project.open', { path: dir });
      expect(summary.readOnly).toBe(true);
      const runs = await engine.invoke('runs.list', {});
      expect(runs.map((r) => r.id)).toEqual([runId]);
      expect((await engine.invoke('runs.get', { id: runId })).metrics.acc).toBe(0.9);
      await engine.invoke('runs.logs', { id: runId });
      await engine.invoke('metrics.series', { runIds: [runId], key: 'acc' });
      await engine.invoke('artifacts.list', {});
      expect(
        (await engine.invoke('artifacts.versions', { artifact: 'model' })).versions.map((v) => v.number),
      ).toEqual([1]);
      const graph = await engine.invoke('review.lineage', {});
      expect(graph.edges).toEqual(
        expect.arrayContaining([
          { from: 'version:rows@1', to: `run:${runId}` },
          { from: `run:${runId}`, to: 'version:model@1' },
        ]),
      );
      expect((await engine.invoke('review.html', { target: 'model@1' })).html).toContain(`run ${runId}`);
      expect(await engine.invoke('reproduce.latest', { run: runId })).toBeNull();
      // Writing calls are refused before they start.
      for (const [name, params] of [
        ['pipelines.run', {}],
        ['reproduce.start', { run: runId }],
        ['artifacts.add', { path: 'rows.csv' }],
        ['runs.update', { id: runId, note: 'x' }],
        ['project.init', { path: dir }],
      ] as const)
        await expect(engine.call(name, params), name).rejects.toMatchObject({ code: 'READ_ONLY' });
      // The background verification started on open.
      let v: VerifyState = await engine.invoke('review.verify', {});
      expect(v.jobId).not.toBeNull();
      await engine.invoke('jobs.wait', { id: v.jobId! });
      v = await engine.invoke('review.verify', {});
      expect(v.state).toBe('done');
      const report = v.report as FsckReport;
      expect(report.ok).toBe(false);
      expect(report.bad.length + report.missing.length).toBeGreaterThan(0);
    } finally {
      await engine.shutdown();
    }
    expect(snapshot(dir)).toEqual(before);
    expect(reviewCopies()).toEqual(copiesBefore);
  }, 120000);
});
