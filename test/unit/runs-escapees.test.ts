import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { requestCancel } from '../../electron/core/runs/cancel.js';
import { runDetail, runLogs } from '../../electron/core/runs/repo.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { makeProject, waitFor, type Fixture } from './runs-fixture.js';

// Processes that leave the step's process group: a classic daemon (fork, setsid, fork) and `setsid`.
// Both ignore SIGTERM (an ignored signal stays ignored across exec): only SIGKILL stops them.
const DAEMON_PY = `import os, signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp('sleep', ['sleep', '301'])
    os._exit(0)
`;
const ESCAPE = "/usr/bin/python3 daemon.py; trap '' TERM; setsid sleep 302 >/dev/null 2>&1 </dev/null &";

let fx: Fixture | null = null;
const runIds: string[] = [];
afterEach(() => {
  // Whatever a failing test left behind goes, so it cannot disturb the next one.
  for (const id of runIds.splice(0)) for (const p of withMarker(id)) spawnSync('kill', ['-9', String(p.pid)]);
  fx?.cleanup();
  fx = null;
});

/** Processes whose environment carries STRATA_RUN_ID=<id>, found by grep (not by the code under test). */
function withMarker(runId: string): { pid: number; cmd: string }[] {
  const r = spawnSync('sh', ['-c', `grep -lsaF 'STRATA_RUN_ID=${runId}' /proc/[0-9]*/environ`], {
    encoding: 'utf8',
  });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => Number(f.split('/')[2]))
    .map((pid) => {
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // gone
      }
      return { pid, cmd };
    })
    .filter((p) => p.cmd !== '');
}

const daemonsUp = (runId: string) => {
  const cmds = withMarker(runId).map((p) => p.cmd);
  return cmds.includes('sleep 301') && cmds.includes('sleep 302');
};

/** Both daemons really left the step's group: their session is not the step's. */
function escaped(runId: string, stepPid: number): boolean {
  const sid = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  };
  const daemons = withMarker(runId).filter((p) => /^sleep 30[12]$/.test(p.cmd));
  return daemons.length === 2 && daemons.every((d) => sid(d.pid) !== sid(stepPid));
}

const logOf = (f: Fixture, runId: string) =>
  runLogs(f.project, runId, { after: 0, limit: 1000 })
    .lines.map((l) => l.text)
    .join('');

describe.skipIf(process.platform !== 'linux')('a step’s processes that leave its process group', () => {
  it('are stopped by cancel: no process with the run marker remains', async () => {
    fx = makeProject(`stages:\n  serve:\n    cmd: "${ESCAPE} echo started; sleep 300"\n`, {
      'daemon.py': DAEMON_PY,
    });
    const { runId, done } = startRun(fx.project, { graceMs: 1000 });
    runIds.push(runId);
    await waitFor(() => daemonsUp(runId), 30000);
    const stepPid = fx.project.db
      .prepare('SELECT pid FROM run_stages WHERE run_id = ?')
      .pluck()
      .get(runId) as number;
    expect(escaped(runId, stepPid)).toBe(true);
    requestCancel(fx.project, runId);
    const run = await done;
    expect(run.status).toBe('cancelled');
    expect(withMarker(runId)).toEqual([]);
    expect(runDetail(fx.project, runId).stages[0]).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled',
    });
  }, 60000);

  it('are stopped when the step exits, and the log says so', async () => {
    fx = makeProject(`stages:\n  launch:\n    cmd: "${ESCAPE} sleep 0.5; echo launched"\n`, {
      'daemon.py': DAEMON_PY,
    });
    const { runId, done } = startRun(fx.project, { graceMs: 1000 });
    runIds.push(runId);
    const run = await done;
    expect(run.status).toBe('done');
    expect(withMarker(runId)).toEqual([]);
    expect(logOf(fx, runId)).toContain('left processes running (in its group or detached from it)');
  }, 60000);

  it('left by a runner killed with SIGKILL are stopped at the next start', async () => {
    fx = makeProject(`stages:\n  serve:\n    cmd: "${ESCAPE} echo started; sleep 300"\n`, {
      'daemon.py': DAEMON_PY,
    });
    const child = spawnCli(['run', '--project', fx.dir]);
    const exited = new Promise((r) => child.on('exit', r));
    const runId = await waitFor(
      () =>
        fx!.project.db.prepare("SELECT run_id FROM run_stages WHERE status = 'running'").pluck().get() as
          string | undefined,
      60000,
    );
    runIds.push(runId);
    await waitFor(() => daemonsUp(runId), 30000);
    child.kill('SIGKILL');
    await exited;
    expect(daemonsUp(runId)).toBe(true);
    // The next start: any command that opens the runs notices the dead runner.
    const listed = runCli(['runs', '--json', '--project', fx.dir]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id: runId, status: 'interrupted' });
    // Gone before the command returned, although they ignore SIGTERM.
    expect(withMarker(runId)).toEqual([]);
  }, 120000);

  // A frozen process (cgroup v1 freezer) cannot die until it is thawed: one Strata cannot stop.
  const freezer = '/sys/fs/cgroup/freezer';
  const canFreeze =
    fs.existsSync(path.join(freezer, 'cgroup.procs')) && fs.statSync(freezer).uid === process.getuid?.();
  it.skipIf(!canFreeze)(
    'one that cannot be stopped is named in the log and the stage (root with a freezer)',
    async () => {
      fx = makeProject(
        `stages:\n  serve:\n    cmd: "setsid sleep 303 >/dev/null 2>&1 </dev/null & echo started; sleep 300"\n`,
      );
      const { runId, done } = startRun(fx.project, { graceMs: 300 });
      runIds.push(runId);
      const daemon = await waitFor(() => withMarker(runId).find((p) => p.cmd === 'sleep 303'), 30000);
      const group = fs.mkdtempSync(path.join(freezer, 'strata-test-'));
      try {
        fs.writeFileSync(path.join(group, 'cgroup.procs'), String(daemon.pid));
        fs.writeFileSync(path.join(group, 'freezer.state'), 'FROZEN');
        await waitFor(() => fs.readFileSync(path.join(group, 'freezer.state'), 'utf8').trim() === 'FROZEN');
        requestCancel(fx.project, runId);
        const run = await done;
        expect(run.status).toBe('cancelled');
        const stage = runDetail(fx.project, runId).stages[0];
        expect(stage.reason).toBe(
          `cancelled, but 1 of its processes could not be stopped (pid ${daemon.pid})`,
        );
        expect(logOf(fx, runId)).toContain(`1 of its processes could not be stopped (pid ${daemon.pid})`);
      } finally {
        fs.writeFileSync(path.join(group, 'freezer.state'), 'THAWED');
        // Thawed, it dies of the SIGKILL it was sent.
        await waitFor(() => !withMarker(runId).some((p) => p.pid === daemon.pid), 10000);
        fs.rmdirSync(group);
      }
    },
    60000,
  );
});
