import type { JobInfo } from '../../shared/api/index.js';
import { formatBytes, formatDuration, transferProgress } from '../../shared/format.js';
import { formatCount } from '../components/format.js';

export function progressText(job: JobInfo, now = Date.now()): string {
  if (job.unit === 'bytes') return transferProgress(job.done, job.total, job.startedAt, job.endedAt ?? now);
  const unit = job.unit ? ` ${job.unit}` : '';
  if (job.total === null) return `${formatCount(job.done)}${unit}`;
  return `${formatCount(job.done)} / ${formatCount(job.total)}${unit}`;
}

/** 0..1, or null when the job cannot know its total (the bar then shows motion, not a fake percentage). */
export function progressFraction(job: JobInfo): number | null {
  if (job.total === null || job.total <= 0) return null;
  return Math.min(1, job.done / job.total);
}

/**
 * One line for a finished job. Results are whatever the job returned; counts of files and bytes are
 * common enough (scans, imports) to be worth spelling out, anything else falls back to the counter.
 */
export function outcomeText(job: JobInfo): string {
  if (job.state === 'failed') return job.error?.message ?? 'failed';
  if (job.state === 'cancelled') return `cancelled after ${progressText(job)}`;
  const r = job.result as { files?: unknown; bytes?: unknown } | undefined;
  if (r && typeof r.files === 'number') {
    return typeof r.bytes === 'number'
      ? `${formatCount(r.files)} files, ${formatBytes(r.bytes)}`
      : `${formatCount(r.files)} files`;
  }
  return progressText(job);
}

export function durationText(job: JobInfo, now = Date.now()): string {
  return formatDuration((job.endedAt ?? now) - job.startedAt);
}
