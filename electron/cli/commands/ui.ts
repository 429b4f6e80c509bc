import { pathToFileURL } from 'node:url';
import type { Command } from '../command.js';
import { startUiServer } from '../../host/ui-server.js';
import { UsageError } from '../args.js';
import { noBrowserReason, openInBrowser } from '../open-browser.js';

/** Long enough for a browser to start cold on a busy laptop; the code also dies on first use. */
const LAUNCH_CODE_TTL_MS = 60_000;

export const uiCommand: Command = {
  name: 'ui',
  summary: 'serve the Strata UI in your browser, on 127.0.0.1 only',
  usage: 'strata ui [dir] [--port N] [--no-open] [--read-only]',
  description:
    'Prints "Strata UI: <url>" first; the URL carries this launch\'s token, so keep it out of logs. The browser ' +
    'is opened on a file only you can read, which signs it in once. Ctrl+C stops the server.',
  flags: {
    port: { type: 'string', help: 'port to listen on (0 picks a free one; default 0)' },
    'no-open': { type: 'boolean', help: 'do not open a browser' },
    'read-only': {
      type: 'boolean',
      help: 'review mode: write nothing into the project (no watcher, no lock files, no inbox ingestion; its store is verified in the background)',
    },
  },
  async run(args, io) {
    const port = Number(args.flags.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a number from 0 to 65535, not ${String(args.flags.port)}`);
    const readOnly = args.flags['read-only'] === true;
    if (readOnly && !args.positional[0])
      throw new UsageError('strata ui --read-only needs the project folder to review');
    const ui = await startUiServer({ dir: args.positional[0], port, readOnly });
    io.out(`Strata UI: ${ui.url}`);
    if (ui.notAProject)
      io.err(`${ui.notAProject} is not a Strata project yet; the UI offers to initialise it.`);
    // The browser's command line is readable by every local user (/proc/<pid>/cmdline), so it gets a
    // private file that forwards with a one-time code, never the token.
    const noBrowser = args.flags['no-open'] ? null : noBrowserReason();
    if (noBrowser)
      io.err(`Not opening a browser: ${noBrowser}. Open the URL above in a browser on this machine.`);
    else if (!args.flags['no-open']) {
      try {
        openInBrowser(pathToFileURL(ui.launchFile(LAUNCH_CODE_TTL_MS)).href, (message) => io.err(message));
      } catch (err) {
        io.err(`cannot open the browser (${(err as Error).message}); open the URL above instead`);
      }
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await ui.close();
    return 0;
  },
};
