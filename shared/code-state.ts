import type { CodeState } from './api/runs.js';
import { formatBytes } from './format.js';

/** How much of a diff the run record carries inline, for the run page; the whole diff is in the store. */
export const DIFF_PREVIEW_BYTES = 256 << 10;
/** Files named one by one up to this many; past it, counted. */
const NAMED_UP_TO = 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a run's record says of its code, in the same words in `strata show` and on the run page. */
export function describeCodeState(c: CodeState): { headline: string; details: string[] } {
  if (c.state === 'unknown')
    return { headline: `unknown (${c.reason})${c.commit ? ` at commit ${c.commit}` : ''}`, details: [] };
  const details: string[] = [];
  details.push(
    c.diff
      ? `uncommitted changes: ${plural(c.diff.files, 'file')}, ${formatBytes(c.diff.bytes)} diff (stored)`
      : 'no uncommitted changes',
  );
  if (c.diff?.binaryFiles.length) details.push(`binary file changed: ${c.diff.binaryFiles.join(', ')}`);
  const { files, skipped, capHit, cap } = c.untracked;
  if (files.length === 0 && skipped.length === 0) details.push('no untracked files');
  else {
    let line = `untracked files: ${files.length} kept`;
    if (files.length > 0 && files.length <= NAMED_UP_TO) line += ` (${files.map((f) => f.path).join(', ')})`;
    if (skipped.length) {
      const shown = skipped
        .slice(0, NAMED_UP_TO)
        .map((s) => `${s.path} (${s.why.startsWith('over the cap') ? formatBytes(s.bytes) : s.why})`);
      if (skipped.length > NAMED_UP_TO) shown.push(`and ${skipped.length - NAMED_UP_TO} more`);
      line += `, ${skipped.length} not kept`;
      if (capHit)
        line += ` (cap hit: ${formatBytes(cap.fileBytes)} a file, ${formatBytes(cap.totalBytes)} in all)`;
      line += `: ${shown.join(', ')}`;
    }
    details.push(line);
  }
  return { headline: `commit ${c.commit}${c.branch ? ` (${c.branch})` : ''}`, details };
}
