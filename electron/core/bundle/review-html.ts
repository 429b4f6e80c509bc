// A bundle opened for review, as one self-contained HTML file (report/html.ts): what a reviewer
// keeps or forwards after looking, with the same facts the CLI prints and the Review section shows.
import type { BundleReview } from '../../../shared/api/bundle.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { formatBytes } from '../../../shared/format.js';
import {
  badge,
  heading,
  join,
  list,
  number,
  page,
  para,
  pre,
  raw,
  table,
  type Html,
} from '../report/html.js';

const SIGNATURE: Record<BundleReview['verify']['signature']['status'], [string, string]> = {
  trusted: ['pass', 'signed by a trusted key'],
  'unknown-key': ['warn', 'signed by a key the reviewing machine did not trust'],
  unsigned: ['warn', 'not signed'],
  invalid: ['fail', 'signature does not match'],
};

const code = (s: string): Html => raw(`<code>${join([s]).html}</code>`);
const value = (v: unknown) => (typeof v === 'number' ? number(v) : JSON.stringify(v));

function codeSection(r: BundleReview): Html[] {
  const out = [heading(2, 'Code')];
  if (!r.code) return [...out, para('The bundle does not say which code the run ran.', 'muted')];
  const c = describeCodeState(r.code);
  out.push(para(c.headline), list(c.details, ''));
  if (r.diff)
    out.push(
      heading(
        3,
        `Uncommitted change: ${r.diff.files.length} ${r.diff.files.length === 1 ? 'file' : 'files'}, +${r.diff.added} −${r.diff.deleted}`,
      ),
      table(
        ['File', 'Added', 'Deleted'],
        r.diff.files.map((f) => [f.path, f.binary ? 'binary' : f.added, f.binary ? '' : f.deleted]),
        [1, 2],
      ),
      pre(r.diff.text),
      para(
        `${r.diff.truncated ? `The first 256 KiB of ${formatBytes(r.diff.bytes)}. ` : ''}In the bundle as code/diff.patch, sha256 ${r.diff.sha256}.`,
        'muted',
      ),
    );
  if (r.untracked.length)
    out.push(
      heading(3, `Untracked files: ${r.untracked.length}, in the bundle under code/untracked/`),
      table(
        ['File', 'Size', 'sha256'],
        r.untracked.map((f) => [f.path, formatBytes(f.bytes), f.sha256.slice(0, 16)]),
        [1],
      ),
    );
  return out;
}

export function bundleReviewHtml(r: BundleReview): { html: string; fileName: string } {
  const m = r.model;
  const [sigClass, sigLabel] = SIGNATURE[r.verify.signature.status];
  const params = Object.entries(r.params);
  const metrics = Object.entries(r.metrics);
  const env = r.environment;
  const body: Html[] = [
    para(
      join([
        badge('pass', 'every checksum matches'),
        ' ',
        badge(sigClass, sigLabel),
        r.verify.signature.fingerprint ? ` key ${r.verify.signature.fingerprint}` : '',
      ]),
    ),
    ...(r.verify.problems.length || r.unreadable.length
      ? [list([...r.verify.problems, ...r.unreadable.map((u) => `unreadable: ${u}`)], '')]
      : []),
    heading(2, 'Bundle'),
    table(
      ['', ''],
      [
        ['file', code(r.file)],
        ['sha256', code(r.verify.sha256 ?? '')],
        ['made', `${r.createdAt ?? '?'} by ${r.createdBy ?? '?'}`],
        ['model', code(`${m.path} (${m.type}), root hash ${m.rootHash}`)],
      ],
    ),
    heading(2, 'Run'),
    r.run
      ? table(
          ['', ''],
          [
            ['run', `${r.run.name} · ${r.run.id}`],
            ['status', r.run.status],
            ['started', new Date(r.run.startedAt).toISOString()],
          ],
        )
      : para('No run recorded this version.', 'muted'),
    ...codeSection(r),
    heading(2, 'Params and metrics'),
    params.length || metrics.length
      ? table(
          ['Name', 'Value'],
          [...params.map(([k, v]) => [k, value(v)]), ...metrics.map(([k, v]) => [k, number(v)])],
        )
      : para('None recorded.', 'muted'),
    heading(2, 'Data the run read'),
    r.datasets.length
      ? table(
          ['Version', 'Path', 'Root hash', 'Stages'],
          r.datasets.map((d) => [
            `${d.artifact}@${d.version}`,
            d.path,
            code(d.rootHash),
            d.stages.join(', '),
          ]),
        )
      : para('None recorded.', 'muted'),
    heading(2, 'Environment'),
    env
      ? table(
          ['', ''],
          [
            ['Python', env.python ?? 'not found'],
            ['Node', env.node ?? '?'],
            ['OS', env.os ?? '?'],
            [
              'lock files',
              env.lockFiles.map((l) => `${l.name} ${l.sha256.slice(0, 16)}`).join(', ') || 'none',
            ],
            ['packages', env.packages.join(' · ') || 'none recorded'],
          ],
        )
      : para('Not recorded.', 'muted'),
    heading(2, 'Gates and validation'),
    r.gates && r.gates.gates.length
      ? table(
          ['Gate', 'Status', 'Result'],
          [
            ...r.gates.gates.map((g) => [g.label, badge(g.status), g.message]),
            ...r.gates.overrides.map((o) => [
              `override for ${o.alias}`,
              badge('warn', 'override'),
              `${o.who}: ${o.reason}`,
            ]),
          ],
        )
      : para(`Gates: ${r.gates?.status ?? 'not recorded'}.`, 'muted'),
    r.validation.length
      ? table(
          ['Version', 'Rules', 'Status', 'Checks', 'When'],
          r.validation.map((v) => [
            `${v.artifact}@${v.version}`,
            v.name,
            badge(v.status),
            v.counts
              ? `${v.counts.passed} passed, ${v.counts.failed} failed, ${v.counts.warned} warnings`
              : '',
            v.at,
          ]),
        )
      : para('No validation report for the data.', 'muted'),
    heading(2, 'Serving'),
    table(
      ['', ''],
      [
        ['input example', r.inputExample ? `${r.inputExample.rows} rows (${r.inputExample.source})` : 'none'],
        ['reference statistics', `${r.referenceStatistics.length} files (for drift monitors)`],
      ],
    ),
    heading(2, `Files (${r.files.length})`),
    table(
      ['Path', 'Size', 'sha256'],
      r.files.map((f) => [f.path, formatBytes(f.size), code(f.sha256)]),
      [1],
    ),
  ];
  return {
    html: page(
      `Review of bundle ${m.name}@${m.version}`,
      `${r.file} · reviewed ${new Date().toISOString()} · nothing in it was run or imported`,
      body,
    ),
    fileName: `review-bundle-${m.name}-${m.version}.html`,
  };
}
