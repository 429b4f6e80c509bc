import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import type { FsckReport } from '../../../shared/api/artifacts.js';
import { projectFlag, withProject } from '../api.js';
import { formatBytes } from '../format/versions.js';

export const fsckCommand: Command = {
  name: 'fsck',
  summary: 'verify the object store: re-hash every object and check every version’s files are present',
  usage: 'strata fsck [--json]',
  description: 'A damaged object is moved to .strata/quarantine/. Exits 1 when anything is wrong.',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    return withProject(args.flags, async (api) => {
      const r = await api.job<FsckReport>(await api.call('artifacts.fsck', {}));
      if (args.flags.json) printJson(io, r);
      else {
        io.out(`${r.objects} objects (${formatBytes(r.bytes)}), ${r.manifests} manifests checked`);
        for (const b of r.bad)
          io.out(`bad object ${b.hash}: content does not match its hash; moved to ${b.quarantinedTo}`);
        for (const m of r.missing)
          io.out(`missing ${m.hash} for ${m.artifact}@${m.version} ${JSON.stringify(m.path)}`);
        for (const m of r.badManifests) io.out(`bad manifest ${m}`);
        io.out(r.ok ? 'ok' : 'problems found');
      }
      return r.ok ? 0 : 1;
    });
  },
};
