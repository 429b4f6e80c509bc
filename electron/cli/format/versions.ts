import type { VersionInfo } from '../../../shared/api/artifacts.js';
import { formatBytes } from '../../../shared/format.js';

export { formatBytes };

/** One line per version for terminals: number, short hash, size, files, source, aliases, message. */
export function versionLine(v: VersionInfo): string {
  const aliases = v.aliases.length ? ` [${v.aliases.join(', ')}]` : '';
  // "by run <id>" for what a run wrote; "manual" and "watch" read as they are.
  const source = v.runId ? `by run ${v.runId}` : v.source;
  const files = `${v.fileCount} ${v.fileCount === 1 ? 'file ' : 'files'}`;
  return `${String(v.number).padStart(4)}  ${v.rootHash.slice(0, 12)}  ${formatBytes(v.totalBytes).padStart(9)}  ${files.padStart(11)}  ${source}  ${v.createdAt}${aliases}${v.message ? `  ${JSON.stringify(v.message)}` : ''}`;
}
