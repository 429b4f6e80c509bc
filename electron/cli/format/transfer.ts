import type { JobInfo } from '../../../shared/api/jobs.js';
import type { RemoteStatus, TransferReport } from '../../../shared/api/remotes.js';
import { formatBytes, transferProgress } from '../../../shared/format.js';

/** "sent 12.0 MiB / 40.0 MiB, 8.1 MiB/s, 3 s left": the same line the jobs tray shows. */
export function progressLine(verb: string, job: JobInfo, now = Date.now()): string {
  return `${verb} ${transferProgress(job.done, job.total, job.startedAt, now)}`;
}

export function reportLine(verb: string, r: TransferReport): string {
  const what = r.versions.length ? r.versions.join(', ') : 'no new versions';
  return `${verb} ${what}: ${r.contents} contents (${formatBytes(r.bytes)}${r.packs ? `` : ''})${r.skipped ? `, ${r.skipped} already there` : ''}${r.resumed ? `, ${formatBytes(r.resumed)} resumed from an interrupted upload` : ''} — ${r.remote}`;
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
