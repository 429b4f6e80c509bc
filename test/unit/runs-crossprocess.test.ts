import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../electron/core/runs/recover.js';
import { runDetail, runLogs } from '../../electron/core/runs/repo.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { makeProject, pidAlive, waitFor, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

const NEVER_ENDS = `stages:
  forever:
    cmd: "echo working; sleep 300 & echo $! > sleeper.pid; wait"
`;

function runningRun(f: Fixture): { id: string; sleeper: number } | null {
  const id = f.project.db.prepare("SELECT run_id FROM run_stages WHERE status = 'running'").pluck().get() as
    string | undefined;
  const pidFile = path.join(f.dir, 'sleeper.pid');
  if (!id || !fs.existsSync(pidFile)) return null;
  const sleeper = Number(fs.readFileSync(pidFile, 'utf8').trim());
  return sleeper ? { id, sleeper } : null;
}

describe('runs across processes', () => {
  it('`strata cancel` stops a step that never ends, started by another process', async () => {
    fx = makeProject(NEVER_ENDS);
    const child = spawnCli(['run', '--project', fx.dir]);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const { id, sleeper } = await waitFor(() => runningRun(fx!), 60000);
    const second = runCli(['run', '--project', fx.dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a pipeline run (${id}`);
    const cancel = runCli(['cancel', id.slice(0, 8), '--project', fx.dir]);
    expect(cancel.stderr).toBe('');
    expect(cancel.stdout.trim()).toBe(`run ${id}: cancelled`);
    expect(cancel.code).toBe(0);
    expect(await exited).toBe(130);
    await waitFor(() => !pidAlive(sleeper), 10000);
    const run = runDetail(fx.project, id);
    expect(run.stages[0]).toMatchObject({ status: 'cancelled' });
    expect(
      runLogs(fx.project, id, { after: 0, limit: 100 })
        .lines.map((l) => l.text)
        .join(''),
    ).toContain('working');
  }, 120000);

  it('a run whose runner was killed shows as interrupted, keeps its logs, and its step is stopped', async () => {
    fx = makeProject(NEVER_ENDS);
    const child = spawnCli(['run', '--project', fx.dir]);
    const { id, sleeper } = await waitFor(() => runningRun(fx!), 60000);
    await waitFor(() => runLogs(fx!.project, id, { after: 0, limit: 100 }).lines.length > 0);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(pidAlive(sleeper)).toBe(true);
    expect(recoverInterrupted(fx.project)).toEqual([id]);
    const run = runDetail(fx.project, id);
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/runner \(pid \d+\) stopped before the run finished/);
    expect(run.stages[0].status).toBe('interrupted');
    expect(
      runLogs(fx.project, id, { after: 0, limit: 100 })
        .lines.map((l) => l.text)
        .join(''),
    ).toContain('working');
    await waitFor(() => !pidAlive(sleeper), 10000);
    const listed = runCli(['runs', '--json', '--project', fx.dir]);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id, status: 'interrupted' });
  }, 120000);
});

describe('a run another process starts', () => {
  it('is announced to an open engine while it runs and again when it ends, without a refresh', async () => {
    const { Engine } = await import('../../electron/core/engine.js');
    const { pipelineService } = await import('../../electron/core/pipeline/service.js');
    fx = makeProject('stages:\n  slow:\n    cmd: "echo hi; sleep 2"\n');
    const engine = new Engine({ services: [pipelineService], rememberRecent: false });
    const seen: { id: string; status: string }[] = [];
    engine.subscribe((event, payload) => {
      if (event === 'run.update') seen.push(payload as { id: string; status: string });
    });
    engine.openProject(fx.dir);
    try {
      // Spawned, not run synchronously: this process's event loop must keep polling meanwhile.
      const cli = spawnCli(['run', '--project', fx.dir]);
      const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
      const id = await waitFor(
        () => fx!.project.db.prepare('SELECT id FROM runs').pluck().get() as string,
        60000,
      );
      expect(await exited).toBe(0);
      // Seen running (the CLI's 2 s step is many polls long), then done.
      await waitFor(() => seen.some((r) => r.id === id && r.status === 'done'), 10000);
      expect(seen.some((r) => r.id === id && r.status === 'running')).toBe(true);
    } finally {
      await engine.shutdown();
    }
  }, 120000);
});
