import type { JobInfo } from '../../../shared/api/jobs.js';
import type { RemoteStatus, TransferReport } from '../../../shared/api/remotes.js';
import { formatBytes } from '../../../shared/format.js';

/** "12.0 MB of 40.0 MB, 8.1 MB/s, 3 s left" for a job that counts bytes. */
export function progressLine(verb: string, job: JobInfo, now = Date.now()): string {
  const seconds = Math.max((now - job.startedAt) / 1000, 0.001);
  const rate = job.done / seconds;
  const total = job.total ?? 0;
  const left = rate > 0 && total > job.done ? Math.ceil((total - job.done) / rate) : null;
  return `${verb} ${formatBytes(job.done)} of ${formatBytes(total)}, ${formatBytes(rate)}/s${left === null ? '' : `, ${left} s left`}`;
}

export function reportLine(verb: string, r: TransferReport): string {
  const what = r.versions.length ? r.versions.join(', ') : 'no new versions';
  return `${verb} ${what}: ${r.contents} contents (${formatBytes(r.bytes)}${r.packs ? `` : ''})${r.skipped ? `, ${r.skipped} already there` : ''} — ${r.remote}`;
}

export function statusLines(s: RemoteStatus): string[] {
  const head = `${s.name}  ${s.type}  ${s.where}`;
  if (s.error) return [head, `  cannot be read: ${s.error}`];
  const lines = [
    head,
    `  ${s.both} versions on both sides; ${s.objects} objects (${formatBytes(s.bytes)}) there`,
  ];
  if (s.onlyHere.length) lines.push(`  to push: ${s.onlyHere.join(', ')}`);
  if (s.onlyThere.length) lines.push(`  to pull: ${s.onlyThere.join(', ')}`);
  if (s.conflicts.length) lines.push(`  different contents under the same number: ${s.conflicts.join(', ')}`);
  return lines;
}
