import { beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/api/index.js';
import { finishedJobs, runningJobs, useJobsStore } from '../../renderer/stores/jobs.js';
import { outcomeText, progressFraction, progressText } from '../../renderer/jobs/format.js';

const job = (id: string, over: Partial<JobInfo> = {}): JobInfo => ({
  id,
  label: `job ${id}`,
  state: 'running',
  done: 0,
  total: null,
  unit: 'files',
  startedAt: 1000,
  endedAt: null,
  error: null,
  ...over,
});

beforeEach(() => useJobsStore.setState({ jobs: {}, dismissed: {} }));

describe('jobs store', () => {
  it('keeps one entry per job id, the latest update winning', () => {
    const s = useJobsStore.getState();
    s.upsert(job('a', { done: 10 }));
    s.upsert(job('a', { done: 500 }));
    s.upsert(job('a', { state: 'done', done: 900, endedAt: 2000 }));
    const jobs = useJobsStore.getState().jobs;
    expect(Object.keys(jobs)).toEqual(['a']);
    expect(jobs.a).toMatchObject({ state: 'done', done: 900 });
  });

  it('a jobs.list answer never overwrites an event that arrived before it', () => {
    const s = useJobsStore.getState();
    s.upsert(job('a', { state: 'cancelled', endedAt: 3000 }));
    s.seed([job('a', { state: 'running' }), job('b', { startedAt: 500 })]);
    const st = useJobsStore.getState();
    expect(st.jobs.a.state).toBe('cancelled');
    expect(runningJobs(st).map((j) => j.id)).toEqual(['b']);
  });

  it('lists running jobs oldest first and finished ones newest first, forgetting all but the last 8 finished', () => {
    const s = useJobsStore.getState();
    s.upsert(job('r2', { startedAt: 20 }));
    s.upsert(job('r1', { startedAt: 10 }));
    for (let i = 0; i < 12; i++) s.upsert(job(`f${i}`, { state: 'done', endedAt: 100 + i }));
    const st = useJobsStore.getState();
    expect(runningJobs(st).map((j) => j.id)).toEqual(['r1', 'r2']);
    expect(finishedJobs(st).map((j) => j.id)).toEqual(['f11', 'f10', 'f9', 'f8', 'f7', 'f6', 'f5', 'f4']);
  });

  it('clearing hides finished jobs only; a running one stays', () => {
    const s = useJobsStore.getState();
    s.upsert(job('run'));
    s.upsert(job('old', { state: 'failed', endedAt: 5, error: { code: 'INTERNAL', message: 'boom' } }));
    s.dismissFinished();
    const st = useJobsStore.getState();
    expect(finishedJobs(st)).toEqual([]);
    expect(runningJobs(st).map((j) => j.id)).toEqual(['run']);
    // A job finishing after the clear is news again.
    s.upsert(job('run', { state: 'done', endedAt: 9 }));
    expect(finishedJobs(useJobsStore.getState()).map((j) => j.id)).toEqual(['run']);
  });
});

describe('job progress text', () => {
  it('shows a fraction only when the total is known', () => {
    expect(progressFraction(job('a', { done: 5 }))).toBeNull();
    expect(progressFraction(job('a', { done: 25, total: 100 }))).toBe(0.25);
    expect(progressFraction(job('a', { done: 150, total: 100 }))).toBe(1);
    expect(progressText(job('a', { done: 12000, total: 20000 }))).toBe('12,000 / 20,000 files');
    expect(progressText(job('a', { done: 12000 }))).toBe('12,000 files');
    // A push or pull: bytes, rate and time left (3 MiB in 2 s of 9 MiB: 1.5 MiB/s, 4 s to go).
    expect(
      progressText(job('a', { unit: 'bytes', done: 3 << 20, total: 9 << 20, startedAt: 1000 }), 3000),
    ).toBe('3.0 MiB / 9.0 MiB, 1.5 MiB/s, 4.0 s left');
  });

  it('says how a job ended: its result counts, how far a cancelled one got, why a failed one failed', () => {
    expect(
      outcomeText(job('a', { state: 'done', result: { files: 20001, bytes: 1_500_000, folders: 3 } })),
    ).toBe('20,001 files, 1.4 MiB');
    expect(outcomeText(job('a', { state: 'cancelled', done: 3500 }))).toBe('cancelled after 3,500 files');
    expect(
      outcomeText(job('a', { state: 'failed', error: { code: 'DISK_FULL', message: 'the disk is full' } })),
    ).toBe('the disk is full');
    expect(outcomeText(job('a', { state: 'done', done: 7, total: 7, unit: 'rows' }))).toBe('7 / 7 rows');
  });
});
