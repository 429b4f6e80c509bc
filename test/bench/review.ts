// Reproduce and review. (1) Reproduce setup (scratch worktree, stored diff, untracked files, data
// checked out from the store) for the bundled example with an uncommitted change, beside a bare
// `git worktree add` of the same commit (the floor of that setup); the stages' own run time is
// printed too. (2) The review report of a run with 10 metrics x 100,000 steps: the time to write it,
// beside reading every point of those series (the floor of any report that looks at all of them),
// and its size.
//   node --import tsx test/bench/review.ts      (STRATA_BENCH_REVIEW_STEPS=100000)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reproduction } from '../../shared/api/review.js';
import { figure, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Engine } = await engineModule<typeof import('../../electron/core/engine.js')>('engine.js');
const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { reviewHtml } =
  await engineModule<typeof import('../../electron/core/review/report.js')>('review/report.js');
const { seriesChunks } =
  await engineModule<typeof import('../../electron/core/metrics/series.js')>('metrics/series.js');
const { SeriesWriter } =
  await engineModule<typeof import('../../electron/core/metrics/chunks.js')>('metrics/chunks.js');
const { insertRun } = await engineModule<typeof import('../../electron/core/runs/repo.js')>('runs/repo.js');

const STEPS = size('STRATA_BENCH_REVIEW_STEPS', 100_000, 10_000);
const METRICS = 10;
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-review-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@e',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@e',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

try {
  // (1) Reproduce setup.
  const dir = path.join(root, 'example');
  fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.gitignore'), '.strata/\ndata/\nmodels/\nreports/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'example');
  const params = path.join(dir, 'params.yaml');
  fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace(/epochs:\s*60/, 'epochs: 30'));
  fs.writeFileSync(path.join(dir, 'NOTES.md'), 'an untracked file\n');
  const engine = new Engine({ services: [], rememberRecent: false });
  let repro: Reproduction;
  let stagesSeconds = 0;
  try {
    await engine.invoke('project.open', { path: dir });
    const { runId } = await engine.invoke('pipelines.run', {});
    const first = await engine.invoke('jobs.list', {});
    await engine.invoke('jobs.wait', { id: first.find((j) => j.label.includes(runId!))!.id });
    const started = await engine.invoke('reproduce.start', { run: runId! });
    await engine.invoke('jobs.wait', { id: started.jobId });
    repro = await engine.invoke('reproduce.get', { id: started.reproductionId });
    const run = await engine.invoke('runs.get', { id: repro.reproRunId! });
    for (const s of run.stages)
      if (s.startedAt && s.endedAt) stagesSeconds += (s.endedAt - s.startedAt) / 1000;
  } finally {
    await engine.shutdown();
  }
  if (repro.verdict !== 'exact')
    throw new Error(`the example did not reproduce exactly: ${JSON.stringify(repro)}`);
  const commit = git(dir, 'rev-parse', 'HEAD');
  const t0 = performance.now();
  git(dir, 'worktree', 'add', '--detach', '--quiet', path.join(root, 'bare-wt'), commit);
  const bareSeconds = (performance.now() - t0) / 1000;
  git(dir, 'worktree', 'remove', '--force', path.join(root, 'bare-wt'));
  figure({
    name: `reproduce setup of the example (worktree, diff, untracked file, data from the store); its stages ran ${stagesSeconds.toFixed(2)} s`,
    value: repro.setupMs! / 1000,
    unit: 's',
    comparator: { label: 'git worktree add of the same commit alone', value: bareSeconds },
    targets: [{ on: 'value', op: '<=', limit: 2 }],
  });

  // (2) The review report of a long run.
  const pdir = path.join(root, 'long');
  fs.mkdirSync(pdir);
  fs.writeFileSync(path.join(pdir, 'strata.yaml'), 'stages: {}\n');
  const project = Project.open(pdir);
  try {
    const t = Date.parse('2026-11-01T08:00:00Z');
    insertRun(project, {
      id: 'long',
      name: 'long',
      kind: 'client',
      status: 'done',
      startedAt: t,
      endedAt: t + STEPS,
    });
    project.db.transaction(() => {
      const w = new SeriesWriter(project.db, 'long');
      for (let m = 0; m < METRICS; m++)
        for (let s = 0; s < STEPS; s++)
          w.append(`metric_${m}`, s, Math.exp(-s / STEPS) + 0.01 * Math.sin(s * (m + 1)), t + s);
      w.flush();
    })();
    const r0 = performance.now();
    let points = 0;
    for (let m = 0; m < METRICS; m++)
      for (const c of seriesChunks(project.db, 'long', `metric_${m}`, 'step')) points += c.n;
    const readSeconds = (performance.now() - r0) / 1000;
    const w0 = performance.now();
    const { html } = await reviewHtml(project, 'long');
    fs.writeFileSync(path.join(root, 'review.html'), html);
    const writeSeconds = (performance.now() - w0) / 1000;
    figure({
      name: `review report of ${METRICS} metrics x ${STEPS.toLocaleString('en-US')} steps, written`,
      value: writeSeconds,
      unit: 's',
      comparator: {
        label: `reading all ${points.toLocaleString('en-US')} points of those series`,
        value: readSeconds,
      },
      targets: [{ on: 'value', op: '<=', limit: 2 }],
    });
    figure({
      name: `review report size (${METRICS} metrics x ${STEPS.toLocaleString('en-US')} steps)`,
      value: Buffer.byteLength(html) / 1e6,
      unit: 'MB',
      targets: [{ on: 'value', op: '<=', limit: 5 }],
    });
  } finally {
    project.close();
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
