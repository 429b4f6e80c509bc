import type { VersionInfo } from '../../../shared/api/artifacts.js';

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

/** One line per version for terminals: number, short hash, size, files, source, aliases, message. */
export function versionLine(v: VersionInfo): string {
  const aliases = v.aliases.length ? ` [${v.aliases.join(', ')}]` : '';
  const run = v.runId ? ` run ${v.runId}` : '';
  return `${String(v.number).padStart(4)}  ${v.rootHash.slice(0, 12)}  ${formatBytes(v.totalBytes).padStart(9)}  ${String(v.fileCount).padStart(6)} files  ${v.source}${run}  ${v.createdAt}${aliases}${v.message ? `  ${JSON.stringify(v.message)}` : ''}`;
}
