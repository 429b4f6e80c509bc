import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, projectHere, withEngine, withProject, type CliApi } from '../api.js';
import type { BundleExportResult, BundleImportResult } from '../../../shared/api/bundle.js';
import type { Io } from '../command.js';
import { bundleReviewLines } from '../format/bundle.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { formatBytes } from '../../../shared/format.js';

async function review(
  api: CliApi,
  file: string,
  flags: { json: boolean; html: string | null },
  io: Io,
  note?: string,
): Promise<number> {
  if (flags.html) {
    const { html } = await api.call('bundle.reviewHtml', { file });
    const out = path.resolve(flags.html);
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, out);
    const bytes = Buffer.byteLength(html);
    if (flags.json) printJson(io, { file: out, bytes });
    else
      io.out(
        `${note ?? ''}wrote the review of ${path.basename(file)} to ${out} (${(bytes / 1024).toFixed(0)} KiB)`,
      );
    return 0;
  }
  const r = await api.call('bundle.review', { file });
  if (flags.json) printJson(io, r);
  else {
    if (note) io.out(note);
    for (const line of bundleReviewLines(r)) io.out(line);
  }
  return 0;
}

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'export a model version as one verifiable file, verify one, or import one',
  usage:
    'strata bundle export <model>@<version> -o <file> [--sign] | strata bundle verify <file> | strata bundle import <file> | strata bundle review <file> [--html <file>]  [--json]',
  description:
    'verify checks every checksum, the manifest and a signature without extracting anything (exit 0 whole, 1 not). import refuses a damaged, tampered or unsafe archive and leaves nothing behind; outside a project it opens the bundle for review instead. review extracts it read-only into a review folder and shows its lineage, code and diff, params, data, environment, checks and signature.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    out: { type: 'string', short: 'o', help: 'export: the file to write' },
    sign: { type: 'boolean', help: "export: sign the manifest with this machine's Ed25519 key" },
    html: { type: 'string', help: 'review (or import outside a project): write the review as one HTML file' },
  },
  async run(args, io) {
    const [sub, what, ...rest] = args.positional;
    if (!what || rest.length)
      throw new UsageError(`strata bundle takes export, verify, import or review and one argument`);
    if (sub === 'export') {
      const out = args.flags.out;
      if (typeof out !== 'string' || !out) throw new UsageError('strata bundle export needs -o <file>');
      return withProject(args.flags, async (api) => {
        const r = await api.job<BundleExportResult>(
          await api.call('bundle.export', { model: what, out, sign: !!args.flags.sign }),
        );
        if (args.flags.json) printJson(io, r);
        else io.out(`wrote ${r.file}: ${r.files} files, ${r.bytes} bytes${r.signed ? ', signed' : ''}`);
        return 0;
      });
    }
    if (sub === 'verify')
      return withEngine(async (api) => {
        const r = await api.call('bundle.verify', { file: what });
        if (args.flags.json) printJson(io, r);
        else {
          io.out(
            `${r.ok ? 'OK' : 'FAILED'}  ${r.model ? `${r.model.name}@${r.model.version}` : '?'}  ${r.files} files, ${r.bytes} bytes, signature ${r.signature.status}${r.signature.fingerprint ? ` (${r.signature.fingerprint})` : ''}`,
          );
          for (const p of r.problems) io.out(`  ${p}`);
        }
        return r.ok ? 0 : 1;
      });
    const json = !!args.flags.json;
    const shown = { json, html: typeof args.flags.html === 'string' ? args.flags.html : null };
    if (sub === 'review') return withEngine((api) => review(api, what, shown, io));
    if (sub === 'import' && projectHere(args.flags) === null)
      return withEngine((api) =>
        review(
          api,
          what,
          shown,
          io,
          'No Strata project here: the bundle is opened for review, not imported.\n',
        ),
      );
    if (sub === 'import')
      return withProject(args.flags, async (api) => {
        const r = await api.job<BundleImportResult>(await api.call('bundle.import', { file: what }));
        if (args.flags.json) printJson(io, r);
        else {
          io.out(
            `${r.existing ? 'already had' : 'imported'} ${r.model}@${r.version} (signature ${r.signature.status})`,
          );
          if (r.code) io.out(`  code  ${describeCodeState(r.code).headline}`);
          if (r.diff)
            io.out(
              `  diff  ${r.diff.files} files, +${r.diff.added} -${r.diff.deleted} (${formatBytes(r.diff.bytes)}, in the bundle)`,
            );
        }
        return 0;
      });
    throw new UsageError(`strata bundle takes export, verify, import or review, not ${sub}`);
  },
};
