import type { BundleReview } from '../../../shared/api/bundle.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { formatBytes } from '../../../shared/format.js';

const SIGNATURE: Record<BundleReview['verify']['signature']['status'], string> = {
  trusted: 'signed by a trusted key',
  'unknown-key': 'signed by a key this machine does not trust',
  unsigned: 'not signed',
  invalid: 'signature does not match',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const pad = (names: string[]) => Math.min(40, Math.max(0, ...names.map((n) => n.length)));

/** Up to this many of a list are shown one a line; the rest are counted (--json has them all). */
const SHOWN = 12;

function some<T>(items: T[], line: (t: T) => string, indent = '  '): string[] {
  const out = items.slice(0, SHOWN).map((t) => indent + line(t));
  if (items.length > SHOWN) out.push(`${indent}… and ${items.length - SHOWN} more`);
  return out;
}

/** A label, then its lines aligned after it. */
const block = (label: string, lines: string[]) =>
  lines.map((l, i) => `  ${i === 0 ? label.padEnd(9) : ' '.repeat(9)} ${l}`);

/** A bundle opened for review, for a terminal: what it is, where it comes from, what vouches for it. */
export function bundleReviewLines(r: BundleReview): string[] {
  const m = r.model;
  const sig = r.verify.signature;
  const out = [
    `${m.name}@${m.version}  ${r.verify.ok ? 'verified' : 'contents intact'}, ${SIGNATURE[sig.status]}${sig.fingerprint ? ` (${sig.fingerprint})` : ''}`,
    `  bundle   ${r.file}${r.verify.sha256 ? `  sha256 ${r.verify.sha256}` : ''}`,
    `  made     ${r.createdAt ?? '?'} by ${r.createdBy ?? '?'}`,
    `  model    ${m.path} (${m.type}), root hash ${m.rootHash}`,
    `  opened   ${r.folder} (read-only)`,
    ...r.verify.problems.map((p) => `  ! ${p}`),
    ...r.unreadable.map((u) => `  ! unreadable: ${u}`),
    '',
    `Files (${r.files.length}, ${formatBytes(r.files.reduce((s, f) => s + f.size, 0))})`,
    ...some(
      r.files,
      (f) =>
        `${f.path.padEnd(pad(r.files.map((x) => x.path)))}  ${formatBytes(f.size).padStart(9)}  ${f.sha256.slice(0, 16)}`,
    ),
    '',
  ];
  if (!r.run) out.push('Lineage: no run recorded this version');
  else {
    out.push(`Run ${r.run.id}  ${r.run.name}  ${r.run.status}  ${new Date(r.run.startedAt).toISOString()}`);
    if (r.code) {
      const c = describeCodeState(r.code);
      out.push(...block('code', [c.headline, ...c.details]));
    }
    if (r.diff)
      out.push(
        ...block('diff', [
          `${plural(r.diff.files.length, 'file')}, +${r.diff.added} -${r.diff.deleted}, ${formatBytes(r.diff.bytes)}: ${r.diff.path}`,
          ...some(
            r.diff.files,
            (f) => `${(f.binary ? 'binary' : `+${f.added} -${f.deleted}`).padEnd(10)} ${f.path}`,
            '',
          ),
        ]),
      );
    if (r.untracked.length)
      out.push(
        ...block('untracked', [
          `${plural(r.untracked.length, 'file')}, ${formatBytes(r.untracked.reduce((s, f) => s + f.bytes, 0))}, in the bundle under code/untracked/`,
          ...some(r.untracked, (f) => `${formatBytes(f.bytes).padStart(9)}  ${f.path}`, ''),
        ]),
      );
    const params = Object.entries(r.params);
    out.push(
      ...block(
        'params',
        params.length ? some(params, ([k, v]) => `${k} = ${JSON.stringify(v)}`, '') : ['none'],
      ),
    );
    const metrics = Object.entries(r.metrics);
    out.push(...block('metrics', metrics.length ? some(metrics, ([k, v]) => `${k} = ${v}`, '') : ['none']));
  }
  out.push(
    '',
    `Data the run read (${r.datasets.length})`,
    ...some(
      r.datasets,
      (d) =>
        `${`${d.artifact}@${d.version}`.padEnd(pad(r.datasets.map((x) => `${x.artifact}@${x.version}`)))}  ${d.path}  ${d.rootHash.slice(0, 16)}  (${d.stages.join(', ')})`,
    ),
  );
  const e = r.environment;
  out.push(
    '',
    e
      ? `Environment  Python ${e.python ?? 'not found'}, Node ${e.node ?? '?'}, ${e.os ?? '?'}, ${e.packages.length} packages, lock files: ${e.lockFiles.map((l) => l.name).join(', ') || 'none'}`
      : 'Environment  not recorded',
  );
  out.push(
    '',
    `Gates  ${r.gates ? r.gates.status : 'not recorded'}`,
    ...some(r.gates?.gates ?? [], (g) => `${g.status.padEnd(5)} ${g.label}: ${g.message}`),
    ...some(r.gates?.overrides ?? [], (o) => `override for ${o.alias} by ${o.who}: ${o.reason}`),
    `Validation  ${r.validation.length ? '' : 'no report'}`,
    ...some(
      r.validation,
      (v) =>
        `${v.status.padEnd(5)} ${v.artifact}@${v.version} ${v.name}${v.counts ? `: ${v.counts.passed} passed, ${v.counts.failed} failed, ${v.counts.warned} warnings` : ''}`,
    ),
    `Reference statistics  ${r.referenceStatistics.length} files`,
    `Input example  ${r.inputExample ? `${r.inputExample.rows} rows (${r.inputExample.source})` : 'none'}`,
  );
  return out;
}
