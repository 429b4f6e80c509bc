import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../api.js';

export const reviewCommand: Command = {
  name: 'review',
  summary: 'write the review of a run (or of the run that wrote a model version) as one HTML file',
  usage: 'strata review <run>|<artifact>@<version> --html <file> [--json]',
  description:
    'The file is self-contained (inline CSS and SVG, no scripts, no network): code and diff, environment, params, data versions with their diffs, metrics with charts, validation, gates, drift and the reproduction verdict.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    html: { type: 'string', help: 'the HTML file to write' },
  },
  async run(args, io) {
    if (args.positional.length !== 1)
      throw new UsageError('strata review takes one run, or <artifact>@<version>');
    const file = args.flags.html;
    if (typeof file !== 'string') throw new UsageError('strata review needs --html <file>');
    return withProject(args.flags, async (api) => {
      const { html } = await api.call('review.html', { target: args.positional[0] });
      const out = path.resolve(file);
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, html);
      fs.renameSync(tmp, out);
      const bytes = Buffer.byteLength(html);
      if (args.flags.json) printJson(io, { file: out, bytes });
      else io.out(`wrote ${out} (${(bytes / 1024).toFixed(0)} KiB)`);
      return 0;
    });
  },
};
