import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { StrataError } from '../../shared/errors.js';
import type { JobInfo } from '../../shared/api/jobs.js';
import { tempDir } from '../helpers/cli.js';

let engine: Engine;
const cleanups: (() => void)[] = [];
beforeEach(() => {
  const home = tempDir('strata-home-');
  cleanups.push(home.cleanup);
  process.env.STRATA_HOME = home.dir;
  engine = new Engine();
});
afterEach(() => {
  engine.dispose();
  cleanups.splice(0).forEach((c) => c());
  delete process.env.STRATA_HOME;
});
function tmp(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
async function rejection(p: Promise<unknown>): Promise<StrataError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StrataError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('engine calls', () => {
  it('validates params and names the offending field', async () => {
    const e = await rejection(engine.call('project.open', { path: 42 }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toMatch(/^project\.open: path: /);
    expect((await rejection(engine.call('project.open', { path: '/x', extra: true }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await rejection(engine.call('no.such.call', {}))).code).toBe('UNKNOWN_CALL');
    expect((await rejection(engine.call(['project.open'], {}))).code).toBe('UNKNOWN_CALL');
  });

  it('opens a project, reports it, remembers it in recent projects and pushes project.changed', async () => {
    const dir = tmp();
    const seen: unknown[] = [];
    engine.subscribe((event, payload) => event === 'project.changed' && seen.push(payload));
    await engine.invoke('project.init', { path: dir });
    const current = await engine.invoke('project.current', {});
    expect(current?.root).toBe(path.resolve(dir));
    expect(seen).toHaveLength(1);
    const recent = await engine.invoke('recent.list', {});
    expect(recent[0]).toMatchObject({ path: path.resolve(dir), exists: true });
    const status = await engine.invoke('project.status', {});
    expect(status.journalMode).toBe('wal');
    await engine.invoke('project.close', {});
    expect(await engine.invoke('project.current', {})).toBeNull();
    expect(seen).toHaveLength(2);
    fs.rmSync(dir, { recursive: true });
    expect((await engine.invoke('recent.list', {}))[0].exists).toBe(false);
    expect(await engine.invoke('recent.forget', { path: path.resolve(dir) })).toEqual([]);
  });

  it('shows a strata.yaml broken while open as a configError with its line, and recovers when fixed', async () => {
    const dir = tmp();
    await engine.invoke('project.init', { path: dir });
    const changed = () =>
      new Promise<unknown>((resolve) => {
        const off = engine.subscribe((event, payload) => {
          if (event === 'project.changed') {
            off();
            resolve(payload);
          }
        });
      });
    let next = changed();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'artifacts:\n  a: {path: x, kind: nope}\n');
    const broken = (await next) as { configError: { code: string; where: { line: number } } };
    expect(broken.configError.code).toBe('CONFIG_INVALID');
    expect(broken.configError.where.line).toBe(2);
    next = changed();
    fs.writeFileSync(path.join(dir, 'strata.yaml'), 'artifacts:\n  a: {path: x, kind: dataset}\n');
    const fixed = (await next) as { configError: unknown; config: { artifacts: number } };
    expect(fixed.configError).toBeNull();
    expect(fixed.config.artifacts).toBe(1);
  });

  it('runs a scan as a worker-thread job with progress, and can cancel it', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'many'));
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(dir, 'many', `f${i}.txt`), 'x'.repeat(i % 50));
    await engine.invoke('project.init', { path: dir });
    const updates: JobInfo[] = [];
    engine.subscribe((event, payload) => event === 'job.update' && updates.push(payload as JobInfo));
    const { jobId } = await engine.invoke('project.scan', {});
    const final = await waitForJob(jobId);
    expect(final.state).toBe('done');
    // The 3,000 files and what init wrote beside them (strata.yaml, .gitignore); .strata/ is not walked.
    const written = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(final.result).toMatchObject({ files: 3000 + written });
    expect(updates.some((u) => u.state === 'running' && u.done > 0)).toBe(true);

    const { jobId: second } = await engine.invoke('project.scan', {});
    await engine.invoke('jobs.cancel', { id: second });
    const cancelled = await waitForJob(second);
    expect(cancelled.state).toBe('cancelled');
    expect((await rejection(engine.invoke('jobs.cancel', { id: 'nope' }))).code).toBe('NOT_FOUND');
  });
});

async function waitForJob(id: string): Promise<JobInfo> {
  for (let i = 0; i < 200; i++) {
    const job = (await engine.invoke('jobs.list', {})).find((j) => j.id === id);
    if (job && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}
