import type { VersionInfo } from '../../../shared/api/artifacts.js';
import { formatBytes } from '../../../shared/format.js';

export { formatBytes };

/** One line per version for terminals: number, short hash, size, files, source, aliases, message. */
export function versionLine(v: VersionInfo): string {
  const aliases = v.aliases.length ? ` [${v.aliases.join(', ')}]` : '';
  const run = v.runId ? ` run ${v.runId}` : '';
  return `${String(v.number).padStart(4)}  ${v.rootHash.slice(0, 12)}  ${formatBytes(v.totalBytes).padStart(9)}  ${String(v.fileCount).padStart(6)} files  ${v.source}${run}  ${v.createdAt}${aliases}${v.message ? `  ${JSON.stringify(v.message)}` : ''}`;
}
