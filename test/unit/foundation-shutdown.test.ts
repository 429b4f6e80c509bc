import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { pidAlive, sleep, waitFor } from './runs-fixture.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A project whose one stage hashes a small dataset, then sleeps in a child it names in sleeper.pid. */
function project(): string {
  const t = tempDir('strata-shutdown-');
  cleanups.push(t.cleanup);
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), text);
  };
  write(
    'strata.yaml',
    'stages:\n  slow:\n    cmd: "sleep 30 & echo $! > sleeper.pid; wait"\n    deps: [data]\n    outs: [out.txt]\n',
  );
  for (let i = 0; i < 50; i++) write(`data/part-${i}.csv`, `a,b\n${i},${i * 2}\n`);
  return t.dir;
}

/** Alive and not a zombie: where PID 1 does not reap orphans (containers), a killed child lingers as one. */
function running(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

const sleeperPid = (dir: string) =>
  waitFor(() => {
    try {
      return Number(fs.readFileSync(path.join(dir, 'sleeper.pid'), 'utf8')) || null;
    } catch {
      return null;
    }
  });

/** Every file under .strata/ with its size and mtime: a write after shutdown changes this. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        out[path.relative(dir, p)] = `${st.size} ${st.mtimeMs}`;
      }
    }
  };
  walk(path.join(dir, '.strata'));
  return out;
}

/** How the run ended in the database; the log's last line is written by the runner once its step is gone. */
function stageEnd(
  dir: string,
  runId: string,
): { status: string; error: string; stages: string[]; log: string } {
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  try {
    const run = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as {
      status: string;
      error: string;
    };
    const stages = db
      .prepare('SELECT status FROM run_stages WHERE run_id = ?')
      .pluck()
      .all(runId) as string[];
    const log =
      (db.prepare("SELECT group_concat(text, '') FROM run_logs WHERE run_id = ?").pluck().get(runId) as
        string | null) ?? '';
    return { ...run, stages, log };
  } finally {
    db.close();
  }
}

describe('engine shutdown', () => {
  it('stops a running step, records the run as cancelled, and leaves nothing writing into .strata/', async () => {
    const dir = project();
    const engine = new Engine();
    cleanups.push(() => engine.shutdown());
    engine.openProject(dir);
    const { runId } = await engine.invoke('pipelines.run', { stages: [], force: false, dry: false });
    const sleeper = await sleeperPid(dir);
    expect(running(sleeper)).toBe(true);

    const shutdown = engine.shutdown();
    await shutdown;

    expect(running(sleeper)).toBe(false);
    expect(engine.project).toBeNull();
    const before = listing(dir);
    await sleep(500);
    expect(listing(dir)).toEqual(before);
    expect(engine.shutdown()).toBe(shutdown);
    expect(stageEnd(dir, runId!)).toEqual({
      status: 'cancelled',
      error: 'the project was closed while the run was going',
      stages: ['cancelled'],
      log: expect.stringContaining('[strata] cancelled'),
    });
  }, 60000);

  it('project.close resolves once the step is gone and the database is closed', async () => {
    const dir = project();
    const engine = new Engine();
    cleanups.push(() => engine.shutdown());
    const opened = engine.openProject(dir);
    const { runId } = await engine.invoke('pipelines.run', { stages: [], force: false, dry: false });
    const sleeper = await sleeperPid(dir);
    await engine.invoke('project.close', {});
    expect(running(sleeper)).toBe(false);
    expect(opened.db.open).toBe(false);
    expect(stageEnd(dir, runId!).log).toContain('[strata] cancelled');
  }, 60000);
});

describe('strata ui', () => {
  it('exits within 3 s of SIGTERM while a pipeline step is running', async () => {
    const dir = project();
    const home = tempDir('strata-shutdown-home-');
    cleanups.push(home.cleanup);
    const child = spawnCli(['ui', dir, '--port', '0', '--no-open'], { env: { STRATA_HOME: home.dir } });
    let exited = false;
    cleanups.push(() => {
      if (!exited) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => ((exited = true), resolve(code))),
    );
    const url = new URL(await waitFor(() => /Strata UI: (\S+)/.exec(stdout)?.[1], 60000));
    const reply = await fetch(new URL('/api/call/pipelines.run', url), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${url.searchParams.get('token')}`,
      },
      body: JSON.stringify({ stages: [], force: false, dry: false }),
    });
    expect(await reply.json(), stderr).toMatchObject({ ok: true });
    const sleeper = await sleeperPid(dir);

    // Past the compare prefetch (1 s after the project opened): its worker threads, busy with the
    // runs table, are what held the process for seconds after a SIGTERM.
    await sleep(1500);
    const sent = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exit, sleep(10000).then(() => 'still running')]);
    const took = Date.now() - sent;
    expect(code, stderr).toBe(0);
    expect(took).toBeLessThan(3000);
    expect(running(sleeper)).toBe(false);
  }, 90000);
});
