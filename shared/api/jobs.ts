import { z } from 'zod';
import { returns } from './define.js';
import type { StrataErrorData } from '../errors.js';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  label: string;
  state: JobState;
  done: number;
  total: number | null;
  /** What the numbers count: files, bytes, rows… */
  unit: string;
  startedAt: number;
  endedAt: number | null;
  error: StrataErrorData | null;
  result?: unknown;
}

export const jobCalls = {
  'jobs.list': { params: z.object({}).strict(), result: returns<JobInfo[]>() },
  'jobs.cancel': { params: z.object({ id: z.string().min(1) }).strict(), result: returns<JobInfo>() },
  /** Answers once the job has ended: done (with its result), failed (with its error) or cancelled. */
  'jobs.wait': { params: z.object({ id: z.string().min(1) }).strict(), result: returns<JobInfo>() },
};
