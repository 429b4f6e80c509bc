import type { JobInfo } from '../../shared/api/jobs.js';
import { StrataError } from '../../shared/errors.js';
import type { CliApi } from './api.js';
import type { Io } from './command.js';
import { progressLine } from './format/transfer.js';

/** What a transfer ended as: its result, or cancelled by the user (exit 130, as a shell reports ^C). */
export type Followed<T> = { result: T } | { cancelled: true };

/**
 * Waits for a job that moves bytes (push, pull, a checkout that pulls): its progress on stderr about
 * once a second, so a long transfer shows it is alive without flooding a log. Ctrl-C (or SIGTERM)
 * cancels the job through the same call as the jobs tray's button, and waits for it to stop cleanly;
 * a second Ctrl-C leaves at once (what was written stays consistent: temp files, no half-named object).
 */
export async function followTransfer<T>(
  api: CliApi,
  started: { jobId: string },
  io: Io,
  opts: { command: string; verb: string; quiet: boolean },
): Promise<Followed<T>> {
  let last = 0;
  const off = opts.quiet
    ? () => undefined
    : api.on('job.update', (job: JobInfo) => {
        if (job.id !== started.jobId || job.state !== 'running' || job.unit !== 'bytes') return;
        if (Date.now() - last < 1000) return;
        last = Date.now();
        io.err(progressLine(opts.verb, job));
      });
  let cancelling = false;
  const onSignal = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    io.err(`strata ${opts.command}: cancelling (Ctrl-C again to leave at once)…`);
    void api.call('jobs.cancel', { id: started.jobId }).catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The job's state, not its error, says it was cancelled: a transfer cut off fails in many ways.
    const job = await api.call('jobs.wait', { id: started.jobId });
    if (job.state === 'done') return { result: job.result as T };
    if (job.state === 'cancelled') return { cancelled: true };
    const e = job.error!;
    throw new StrataError(e.code, e.message, { where: e.where, details: e.details });
  } finally {
    off();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
