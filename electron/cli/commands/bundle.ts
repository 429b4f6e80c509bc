import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withEngine, withProject } from '../api.js';
import type { BundleExportResult, BundleImportResult } from '../../../shared/api/bundle.js';

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'export a model version as one verifiable file, verify one, or import one',
  usage:
    'strata bundle export <model>@<version> -o <file> [--sign] | strata bundle verify <file> | strata bundle import <file>  [--json]',
  description:
    'verify checks every checksum, the manifest and a signature without extracting anything (exit 0 whole, 1 not). import refuses a damaged, tampered or unsafe archive and leaves nothing behind.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    out: { type: 'string', short: 'o', help: 'export: the file to write' },
    sign: { type: 'boolean', help: "export: sign the manifest with this machine's Ed25519 key" },
  },
  async run(args, io) {
    const [sub, what, ...rest] = args.positional;
    if (!what || rest.length)
      throw new UsageError(`strata bundle takes export, verify or import and one argument`);
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
    if (sub === 'import')
      return withProject(args.flags, async (api) => {
        const r = await api.job<BundleImportResult>(await api.call('bundle.import', { file: what }));
        if (args.flags.json) printJson(io, r);
        else
          io.out(
            `${r.existing ? 'already had' : 'imported'} ${r.model}@${r.version} (signature ${r.signature.status})`,
          );
        return 0;
      });
    throw new UsageError(`strata bundle takes export, verify or import, not ${sub}`);
  },
};
