import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { BundleImportRecord } from '../../../shared/api/bundle.js';
import { describeCodeState } from '../../../shared/code-state.js';
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

/** The mark an imported version carries: the bundle it came from, its signer and when. */
export function importedLine(r: BundleImportRecord): string {
  return `imported from bundle ${r.file ?? r.bundleSha256.slice(0, 12)} (${r.origin}) · ${r.signer ? `signed by ${r.signer}` : 'unsigned'} · on ${r.importedAt}`;
}

/** An imported version's lineage as the bundle carried it: read-only, its run is not in this project. */
export function importedLineageLines(r: BundleImportRecord): string[] {
  const l = r.lineage;
  if (!l) return [`  lineage  ${r.lineageProblem ?? 'none'}`];
  if (!l.run) return ['  lineage  no run recorded it where it came from'];
  const out = [
    `  run      ${l.run.id}  ${l.run.name}  ${l.run.status}  (ran where the bundle came from: read-only, not reproducible from this project)`,
  ];
  if (l.code) out.push(`  code     ${describeCodeState(l.code).headline}`);
  const params = Object.entries(l.params);
  if (params.length) out.push(`  params   ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  const metrics = Object.entries(l.metrics);
  if (metrics.length) out.push(`  metrics  ${metrics.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const d of l.datasets)
    out.push(`  data     ${d.artifact}@${d.version}  ${d.rootHash.slice(0, 12)}  ${d.path}`);
  return out;
}
