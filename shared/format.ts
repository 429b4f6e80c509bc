/** Human sizes in binary units, the same in the CLI and the UI. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Human durations, the same in the CLI, the runs table, the run page and the jobs tray. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "12.0 MiB / 40.0 MiB, 8.1 MiB/s, 3 s left" for work counted in bytes (push, pull). */
export function transferProgress(done: number, total: number | null, startedAt: number, now: number): string {
  const seconds = Math.max((now - startedAt) / 1000, 0.001);
  const rate = done / seconds;
  const left = total !== null && rate > 0 && total > done ? Math.ceil((total - done) / rate) : null;
  const of = total === null ? '' : ` / ${formatBytes(total)}`;
  return `${formatBytes(done)}${of}, ${formatBytes(Math.round(rate))}/s${left === null ? '' : `, ${formatDuration(left * 1000)} left`}`;
}
