import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRun } from '../../electron/core/pipeline/runner.js';
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
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

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
    const child = spawnCli(['run', '--project', fx.dir]);
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

  it('a run whose runner was killed has its job scancelled when the run is recovered', async () => {
    fx = makeProject(SLEEPS, { 'in.txt': 'data' });
    const child = spawnCli(['run', '--project', fx.dir]);
    const { id, job } = await waitFor(() => runningJob(fx!), 60000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(inQueue(job)).toBe(true);
    expect(recoverInterrupted(fx.project)).toEqual([id]);
    await waitFor(() => !inQueue(job), 10000);
    expect(runDetail(fx.project, id).stages[0].status).toBe('interrupted');
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
