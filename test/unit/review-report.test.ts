import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reviewHtml } from '../../electron/core/review/report.js';
import { lineageGraph } from '../../electron/core/review/lineage.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { runCli } from '../helpers/cli.js';
import { addLongRun } from '../helpers/long-run.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

describe('the review report', () => {
  it('draws 10 metrics × 100,000 steps as charts in one self-contained file under 5 MB', async () => {
    fx = makeProject('stages: {}\n');
    addLongRun(fx.project, 'long1', 10, 100_000);
    const { html, fileName } = await reviewHtml(fx.project, 'long1');
    expect(fileName).toBe('review-long1.html');
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
    for (let m = 0; m < 10; m++) expect(html).toContain(`metric_${m} (100000 points)`);
    expect(html.match(/<figure><svg/g)).toHaveLength(10);
    expect(html).toContain('Not reproduced yet: strata reproduce long1');
    expect(html).toContain('numpy==1.24.2');
    expect(html).toContain('@media print');
    // Nothing to run and nothing to fetch.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(|https?:\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('is written by strata review --html, and a target that is no run is refused', () => {
    fx = makeProject('stages: {}\n');
    addLongRun(fx.project, 'long2', 2, 1000);
    const file = path.join(fx.dir, 'out', 'review.html');
    fs.mkdirSync(path.dirname(file));
    const ok = runCli(['review', 'long2', '--html', file, '--json', '--project', fx.dir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ file, bytes: fs.statSync(file).size });
    expect(fs.readFileSync(file, 'utf8')).toContain('Review of long-long2');
    const bad = runCli(['review', 'nosuch', '--html', file, '--project', fx.dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no run "nosuch"');
    const noModel = runCli(['review', 'model@1', '--html', file, '--project', fx.dir]);
    expect(noModel.code).not.toBe(0);
  });
});

describe('deployments in the review', () => {
  it('shows where a model the run wrote was deployed, in the lineage and in the report', async () => {
    fx = makeProject('stages: {}\n', { 'model.json': '{"w": [1, 2]}' });
    addLongRun(fx.project, 'trainer', 1, 10);
    const v = await recordVersion(fx.project, {
      path: 'model.json',
      name: 'model',
      kind: 'model',
      source: 'run',
      runId: 'trainer',
    });
    fx.project.db
      .prepare(
        "INSERT INTO run_io (run_id, version_id, role, stage, path) VALUES ('trainer', ?, 'out', 'train', 'model.json')",
      )
      .run(v.id);
    fx.project.db
      .prepare(
        "INSERT INTO deployments (target, type, version_id, status, action, who) VALUES ('prod', 'folder', ?, 'active', 'deploy', 'me@host')",
      )
      .run(v.id);
    const graph = lineageGraph(fx.project);
    expect(graph.nodes).toContainEqual(
      expect.objectContaining({ kind: 'deployment', label: 'prod #1', status: 'active' }),
    );
    expect(graph.edges).toContainEqual({ from: 'version:model@1', to: 'deployment:1' });
    const { html } = await reviewHtml(fx.project, 'model@1');
    expect(html.slice(html.indexOf('<h2>Deployments'))).toMatch(
      /^<h2>Deployments<\/h2>\n<table>.*<td>prod<\/td><td>model@1<\/td>/s,
    );
  });
});
