import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { parseJobLine } from '../../electron/core/pipeline/slurm.js';
import { recoverInterrupted } from '../../electron/core/runs/recover.js';
import { runDetail, runLogs } from '../../electron/core/runs/repo.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';
import { makeProject, waitFor, type Fixture } from './runs-fixture.js';

/**
 * `.ci/run` starts a single-node cluster with test/servers/slurm.sh and sets SLURM_CONF only when it
 * came up (it prints why not otherwise). Locally: `export SLURM_CONF=$(test/servers/slurm.sh start)`.
 */
const cluster =
  process.env.SLURM_CONF && fs.existsSync(process.env.SLURM_CONF) ? process.env.SLURM_CONF : null;
if (!cluster)
  console.warn(
    'pipeline-slurm: no SLURM cluster (SLURM_CONF unset or missing; start one with test/servers/slurm.sh start): its tests are skipped',
  );

let fx: Fixture | null = null;
const spawned: ChildProcess[] = [];
afterEach(() => {
  // A test that failed half-way leaves neither its runner nor its jobs behind.
  for (const c of spawned.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (fx && cluster) {
    const jobs = fx.project.db
      .prepare("SELECT value FROM run_tags WHERE key LIKE 'slurm.%.job'")
      .pluck()
      .all() as string[];
    if (jobs.length) spawnSync('scancel', jobs);
  }
  fx?.cleanup();
  fx = null;
});

function spawnRun(dir: string): ChildProcess {
  const child = spawnCli(['run', '--project', dir]);
  spawned.push(child);
  return child;
}

const TRAIN = `stages:
  train:
    executor: slurm
    slurm: { partition: debug, time: 5, cpus: 1, mem: 100 }
    cmd: >-
      echo "on $(hostname) as $STRATA_STAGE of $STRATA_RUN_ID";
      echo to-stderr >&2;
      cat in.txt > model.txt;
      echo '{"acc": 0.75}' > metrics.json
    deps: [in.txt]
    outs: [model.txt]
    metrics: [metrics.json]
`;

const text = (f: Fixture, id: string) =>
  runLogs(f.project, id, { after: 0, limit: 1000 })
    .lines.map((l) => l.text)
    .join('');

function inQueue(job: string): boolean {
  const r = spawnSync('squeue', ['-h', '-j', job, '-o', '%i %T'], { encoding: 'utf8' });
  return r.stdout.trim() !== '';
}

/** The run and job of a SLURM stage once its job is running (it has printed its first line). */
function runningJob(f: Fixture): { id: string; job: string } | null {
  const row = f.project.db
    .prepare("SELECT run_id AS id, value AS job FROM run_tags WHERE key = 'slurm.train.job'")
    .get() as { id: string; job: string } | undefined;
  return row && text(f, row.id).includes('as train of') ? row : null;
}

const SLEEPS = TRAIN.replace('cat in.txt > model.txt', 'sleep 300');

describe('a stage with executor: slurm, without SLURM', () => {
  it('fails with a clear reason when sbatch is not on PATH', async () => {
    fx = makeProject(TRAIN, { 'in.txt': 'data' });
    const bin = tempDir('strata-nobin-');
    try {
      const { runId, done } = startRun(fx.project, { baseEnv: { ...process.env, PATH: bin.dir } });
      const run = await done;
      expect(run.status).toBe('failed');
      const stage = runDetail(fx.project, runId).stages.find((s) => s.stage === 'train')!;
      expect(stage.status).toBe('failed');
      expect(stage.reason).toContain('sbatch was not found on PATH');
      expect(text(fx, runId)).toContain('docs/slurm.md');
    } finally {
      bin.cleanup();
    }
  }, 60000);
});

describe('executor: slurm in strata.yaml', () => {
  it('refuses slurm: resources on a stage that does not say executor: slurm, with the line', () => {
    const bad = tempDir('strata-slurm-config-');
    fs.writeFileSync(
      path.join(bad.dir, 'strata.yaml'),
      'stages:\n  a:\n    cmd: echo hi\n    slurm: { cpus: 2 }\n',
    );
    const r = runCli(['run', '--project', bad.dir]);
    bad.cleanup();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'strata.yaml:4:5: stages.a.slurm: slurm: resources apply only to a stage with executor: slurm',
    );
  }, 60000);
  it('shows the stage as a SLURM job with its sbatch options in the plan (CLI and API)', () => {
    fx = makeProject(TRAIN, { 'in.txt': 'data' });
    const dry = runCli(['run', '--dry', '--project', fx.dir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('on SLURM: sbatch --partition=debug --time=5 --cpus-per-task=1 --mem=100');
    const plan = JSON.parse(runCli(['run', '--dry', '--json', '--project', fx.dir]).stdout) as {
      stage: string;
      slurm?: string[];
    }[];
    expect(plan[0].slurm).toEqual(['--partition=debug', '--time=5', '--cpus-per-task=1', '--mem=100']);
  }, 60000);
});

describe.skipIf(!cluster)('a stage with executor: slurm, on a single-node cluster', () => {
  it('runs as a SLURM job with its log, job id, node and metrics, and is cached on the second run', () => {
    fx = makeProject(TRAIN, { 'in.txt': 'data' });
    const first = runCli(['run', '--json', '--project', fx.dir]);
    expect(first.code, first.stderr).toBe(0);
    const id = (JSON.parse(first.stdout) as { id: string }).id;
    const run = runDetail(fx.project, id);
    expect(run.status).toBe('done');
    const job = run.tags['slurm.train.job'];
    expect(job).toMatch(/^\d+$/);
    expect(run.tags['slurm.train.state']).toBe('COMPLETED');
    expect(run.tags['slurm.train.node']).toBeTruthy();
    expect(run.stages[0]).toMatchObject({ status: 'done', exitCode: 0 });
    expect(run.stages[0].reason).toContain(`SLURM job ${job} on ${run.tags['slurm.train.node']}`);
    const log = text(fx, id);
    expect(log).toContain(`as train of ${id}`);
    expect(log).toContain('to-stderr');
    expect(fs.readFileSync(path.join(fx.dir, 'model.txt'), 'utf8')).toBe('data');
    expect(run.metrics.acc).toBe(0.75);

    const again = runCli(['run', '--project', fx.dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/train +skipped .*up to date/);
  }, 120000);

  it('`strata cancel` scancels the job: it leaves the queue and the stage is cancelled', async () => {
    fx = makeProject(SLEEPS, { 'in.txt': 'data' });
    const child = spawnRun(fx.dir);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const { id, job } = await waitFor(() => runningJob(fx!), 60000);
    expect(inQueue(job)).toBe(true);
    const cancel = runCli(['cancel', id, '--project', fx.dir]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(await exited).toBe(130);
    await waitFor(() => !inQueue(job), 10000);
    const run = runDetail(fx.project, id);
    expect(run.stages[0]).toMatchObject({ status: 'cancelled' });
    expect(run.tags['slurm.train.state']).toBe('CANCELLED');
  }, 120000);

  it('a job the cluster refuses or kills shows the reason', async () => {
    fx = makeProject(TRAIN.replace('partition: debug', 'partition: nosuch'), { 'in.txt': 'data' });
    const refused = await startRun(fx.project).done;
    expect(refused.status).toBe('failed');
    expect(refused.stages[0].reason).toMatch(/sbatch refused the job: .*Invalid partition/);
    fx.cleanup();

    // An administrator's scancel stands for the cluster ending the job (a time limit is enforced only
    // every 30 s or so, too slow for a test): the run fails with the job's state.
    fx = makeProject(TRAIN.replace('cat in.txt > model.txt', 'sleep 120'), { 'in.txt': 'data' });
    const { runId, done } = startRun(fx.project);
    const job = await waitFor(
      () =>
        runDetail(fx!.project, runId).tags['slurm.train.node'] &&
        runDetail(fx!.project, runId).tags['slurm.train.job'],
      60000,
    );
    expect(spawnSync('scancel', [job]).status).toBe(0);
    const killed = await done;
    expect(killed.status).toBe('failed');
    expect(killed.stages[0].reason).toMatch(new RegExp(`SLURM job ${job} CANCELLED on \\S+`));
  }, 120000);
});

/** A SLURM stage that leaves room for a second job on the test node's 2 CPUs. */
const onSlurm = (cmd: string, deps: string[], outs: string[]) => `    executor: slurm
    slurm: { partition: debug, time: 5, cpus: 1, mem: 100 }
    cmd: ${JSON.stringify(cmd)}
    deps: [${deps.join(', ')}]
    outs: [${outs.join(', ')}]
`;

const jobOf = (f: Fixture, runId: string, stage: string): string | undefined =>
  runDetail(f.project, runId).tags[`slurm.${stage}.job`];

function scontrol(job: string): Record<string, string> {
  const r = spawnSync('scontrol', ['show', 'job', '-o', job], { encoding: 'utf8' });
  return parseJobLine(r.stdout);
}

/** Job ids among these that squeue lists (pending or running) right now. */
function queued(jobs: string[]): string[] {
  const r = spawnSync('squeue', ['-h', '-j', jobs.join(','), '-o', '%i'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => jobs.includes(l.trim()));
}

describe.skipIf(!cluster)('SLURM stages of one pipeline, submitted together', () => {
  it('submits independent SLURM stages at once: both jobs are in the queue together, and a local stage does not wait for them', async () => {
    fx = makeProject(
      `stages:
  left:
${onSlurm('sleep 4; cat in.txt > left.txt', ['in.txt'], ['left.txt'])}  right:
${onSlurm('sleep 4; cat in.txt > right.txt', ['in.txt'], ['right.txt'])}  side:
    cmd: sleep 2; cp in.txt side.txt
    deps: [in.txt]
    outs: [side.txt]
`,
      { 'in.txt': 'data' },
    );
    const { runId, done } = startRun(fx.project);
    const jobs = await waitFor(() => {
      const both = [jobOf(fx!, runId, 'left'), jobOf(fx!, runId, 'right')];
      return both.every(Boolean) ? (both as string[]) : null;
    }, 60000);
    // Submitted one after another, the second would only reach the queue once the first had left it.
    expect(queued(jobs).sort()).toEqual([...jobs].sort());
    const run = await done;
    expect(run.status).toBe('done');
    const [l, r] = jobs.map(scontrol);
    expect(l.SubmitTime <= r.EndTime && r.SubmitTime <= l.EndTime).toBe(true);
    expect(fs.readFileSync(path.join(fx.dir, 'left.txt'), 'utf8')).toBe('data');
    expect(fs.readFileSync(path.join(fx.dir, 'right.txt'), 'utf8')).toBe('data');
    // A local stage that reads nothing the jobs write does not wait for them; and its end, which stops
    // what it left running, leaves the run's jobs alone though they carry the run's marker here.
    const ended = (name: string) => run.stages.find((st) => st.stage === name)!.endedAt!;
    expect(ended('side')).toBeLessThan(Math.min(ended('left'), ended('right')));
  }, 120000);

  it('submits a chain with --dependency behind a local stage, and records it as a pipeline run like any other', async () => {
    fx = makeProject(
      `stages:
  prep:
    cmd: cp in.txt prep.txt
    deps: [in.txt]
    outs: [prep.txt]
  a:
${onSlurm('sleep 3; cat prep.txt prep.txt > a.txt', ['prep.txt'], ['a.txt'])}  b:
${onSlurm(`cat a.txt a.txt > b.txt; echo '{"n": 4}' > metrics.json`, ['a.txt'], ['b.txt'])}    metrics: [metrics.json]
  report:
    cmd: wc -c < b.txt > report.txt
    deps: [b.txt]
    outs: [report.txt]
`,
      { 'in.txt': 'x' },
    );
    const { runId, done } = startRun(fx.project);
    const [a, b] = await waitFor(() => {
      const ids = [jobOf(fx!, runId, 'a'), jobOf(fx!, runId, 'b')];
      return ids.every(Boolean) ? (ids as string[]) : null;
    }, 60000);
    // b went into the queue while a was still there, carrying the order for SLURM to keep.
    const waiting = scontrol(b);
    expect(waiting.Dependency).toBe(`afterok:${a}(unfulfilled)`);
    expect(waiting.JobState).toBe('PENDING');
    expect(scontrol(a).JobState).toMatch(/PENDING|RUNNING/);
    const stageB = runDetail(fx.project, runId).stages.find((s) => s.stage === 'b')!;
    expect(stageB).toMatchObject({ status: 'pending' });
    expect(stageB.reason).toBe(`SLURM job ${b} submitted behind stage a (job ${a})`);
    // The API's stage states (Pipelines in the app) say so too.
    const engine = new Engine();
    try {
      engine.openProject(fx.dir);
      const status = await engine.invoke('pipelines.status', {});
      expect(status.stages.find((s) => s.stage === 'b')).toMatchObject({
        state: 'queued',
        reason: stageB.reason,
      });
    } finally {
      engine.dispose();
    }

    const run = await done;
    expect(run.status).toBe('done');
    expect(run.stages.map((s) => [s.stage, s.status])).toEqual([
      ['prep', 'done'],
      ['a', 'done'],
      ['b', 'done'],
      ['report', 'done'],
    ]);
    expect(fs.readFileSync(path.join(fx.dir, 'report.txt'), 'utf8').trim()).toBe('4');
    const detail = runDetail(fx.project, runId);
    expect(detail.metrics.n).toBe(4);
    expect(detail.tags['slurm.b.state']).toBe('COMPLETED');
    expect(detail.tags['slurm.b.node']).toBeTruthy();
    const log = text(fx, runId);
    const queuedLine = log.indexOf(`(queued behind stage a (job ${a}): starts when it succeeds)`);
    expect(queuedLine).toBeGreaterThan(-1);
    expect(queuedLine).toBeLessThan(log.indexOf(`[strata] SLURM job ${b} SUBMITTED`));
    // Lineage: the a.txt that b read is the very version a wrote.
    const io = fx.project.db
      .prepare('SELECT stage, role, path, version_id AS v FROM run_io WHERE run_id = ? ORDER BY stage, role')
      .all(runId) as { stage: string; role: string; path: string; v: number }[];
    const wrote = io.find((r) => r.stage === 'a' && r.role === 'out' && r.path === 'a.txt');
    const read = io.find((r) => r.stage === 'b' && r.role === 'in' && r.path === 'a.txt');
    expect(wrote?.v).toBeDefined();
    expect(read?.v).toBe(wrote?.v);

    // Recorded in the stage cache like any stage: nothing is submitted the second time.
    const again = await startRun(fx.project).done;
    expect(again.stages.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  }, 120000);

  it('a failed upstream job takes its dependent out of the queue, with the reason in the run', async () => {
    fx = makeProject(
      `stages:
  a:
${onSlurm('sleep 2; echo broken >&2; exit 3', ['in.txt'], ['a.txt'])}  b:
${onSlurm('cat a.txt > b.txt', ['a.txt'], ['b.txt'])}`,
      { 'in.txt': 'x' },
    );
    const cli = runCli(['run', '--project', fx.dir]);
    expect(cli.code).toBe(1);
    const runId = fx.project.db.prepare('SELECT id FROM runs').pluck().get() as string;
    const run = runDetail(fx.project, runId);
    expect(run.status).toBe('failed');
    const a = jobOf(fx, runId, 'a')!;
    const b = jobOf(fx, runId, 'b')!;
    expect(b).toMatch(/^\d+$/);
    const [stageA, stageB] = run.stages;
    expect(stageA).toMatchObject({ stage: 'a', status: 'failed', exitCode: 3 });
    expect(stageB).toMatchObject({ stage: 'b', status: 'skipped' });
    expect(stageB.reason).toBe(
      `not reached: stage a failed; its SLURM job ${b} was taken out of the queue (CANCELLED)`,
    );
    const gone = scontrol(b);
    expect(gone.JobState).toBe('CANCELLED');
    expect(gone.Dependency).toMatch(new RegExp(`^afterok:${a}`));
    expect(gone.NodeList ?? '').toBe('');
    expect(fs.existsSync(path.join(fx.dir, 'b.txt'))).toBe(false);
    expect(cli.stderr).toContain(`── b: queued (SLURM job ${b} submitted behind stage a (job ${a}))`);
    expect(cli.stderr).toContain('broken');
    expect(cli.stderr).toMatch(/b +skipped +not reached: stage a failed/);
  }, 120000);

  it('a job behind an upstream that SLURM saw succeed but Strata failed (no outs) is taken out of the queue or stopped', async () => {
    fx = makeProject(
      `stages:
  a:
${onSlurm('sleep 1; true', ['in.txt'], ['a.txt'])}  b:
${onSlurm('sleep 60; cat a.txt > b.txt', ['a.txt'], ['b.txt'])}`,
      { 'in.txt': 'x' },
    );
    const run = await startRun(fx.project).done;
    expect(run.status).toBe('failed');
    const [stageA, stageB] = run.stages;
    expect(stageA).toMatchObject({ status: 'failed', reason: 'did not write its outs: a.txt' });
    const b = jobOf(fx, run.id, 'b')!;
    // afterok was met, so SLURM may have started it before Strata looked at a's outs.
    expect(stageB.reason).toMatch(
      new RegExp(
        `^(not reached|stopped): stage a failed; its SLURM job ${b} was (taken out of the queue|stopped) \\(CANCELLED`,
      ),
    );
    expect(scontrol(b).JobState).toBe('CANCELLED');
  }, 120000);

  it('a stage reading validated data is not submitted ahead: it is validated when its upstream ends, then stopped', async () => {
    fx = makeProject(
      `artifacts:
  clean: { path: clean.csv, kind: dataset }
validations:
  clean:
    rules:
      - { column: age, min: 0, severity: error }
stages:
  a:
${onSlurm('sleep 2; printf "age\\n30\\n-1\\n" > clean.csv', ['in.txt'], ['clean.csv'])}  b:
${onSlurm('cat clean.csv > b.txt', ['clean.csv'], ['b.txt'])}`,
      { 'in.txt': 'x' },
    );
    const run = await startRun(fx.project).done;
    expect(run.status).toBe('failed');
    const by = (name: string) => run.stages.find((st) => st.stage === name)!;
    expect(by('a').status).toBe('done');
    expect(by('validate:b').status).toBe('failed');
    expect(by('b')).toMatchObject({ status: 'failed' });
    expect(by('b').reason).toContain('clean.csv@1 failed 1 check');
    // Never submitted: SLURM never had the chance to start it on the bad data.
    expect(jobOf(fx, run.id, 'b')).toBeUndefined();
    expect(fs.existsSync(path.join(fx.dir, 'b.txt'))).toBe(false);
  }, 120000);

  it('`strata cancel` scancels every job of the run, queued or running', async () => {
    fx = makeProject(
      `stages:
  a:
${onSlurm('sleep 300', ['in.txt'], ['a.txt'])}  b:
${onSlurm('cat a.txt > b.txt', ['a.txt'], ['b.txt'])}  c:
${onSlurm('sleep 300', ['in.txt'], ['c.txt'])}`,
      { 'in.txt': 'x' },
    );
    const child = spawnRun(fx.dir);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const row = () =>
      fx!.project.db.prepare("SELECT id FROM runs WHERE kind = 'pipeline'").pluck().get() as
        string | undefined;
    const id = await waitFor(row, 60000);
    const jobs = await waitFor(() => {
      const ids = ['a', 'b', 'c'].map((s) => jobOf(fx!, id, s));
      return ids.every(Boolean) && runDetail(fx!.project, id).tags['slurm.c.node'] ? (ids as string[]) : null;
    }, 60000);
    expect(queued(jobs).sort()).toEqual([...jobs].sort());
    const cancel = runCli(['cancel', id, '--project', fx.dir]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(await exited).toBe(130);
    await waitFor(() => queued(jobs).length === 0, 10000);
    const run = runDetail(fx.project, id);
    expect(run.status).toBe('cancelled');
    expect(run.stages.map((s) => [s.stage, s.status])).toEqual([
      ['a', 'cancelled'],
      ['b', 'cancelled'],
      ['c', 'cancelled'],
    ]);
    for (const j of jobs) expect(scontrol(j).JobState).toBe('CANCELLED');
  }, 120000);

  it("a killed runner's run has its running and its queued jobs scancelled when it is recovered", async () => {
    fx = makeProject(
      `stages:
  a:
${onSlurm('sleep 300', ['in.txt'], ['a.txt'])}  b:
${onSlurm('cat a.txt > b.txt', ['a.txt'], ['b.txt'])}`,
      { 'in.txt': 'x' },
    );
    const child = spawnRun(fx.dir);
    const found = await waitFor(() => {
      const id = fx!.project.db.prepare("SELECT id FROM runs WHERE kind = 'pipeline'").pluck().get() as
        string | undefined;
      const jobs = id ? [jobOf(fx!, id, 'a'), jobOf(fx!, id, 'b')] : [];
      return id && jobs.every(Boolean) ? { id, jobs: jobs as string[] } : null;
    }, 60000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(queued(found.jobs).sort()).toEqual([...found.jobs].sort());
    expect(recoverInterrupted(fx.project)).toEqual([found.id]);
    await waitFor(() => queued(found.jobs).length === 0, 10000);
    const stages = runDetail(fx.project, found.id).stages;
    expect(stages.map((s) => [s.stage, s.status])).toEqual([
      ['a', 'interrupted'],
      ['b', 'skipped'],
    ]);
  }, 120000);
});
