import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from '../command.js';
import { Engine } from '../../core/engine.js';
import { startBrowserHost } from '../../host/server.js';
import { writeLaunchFile } from '../../host/launch-file.js';
import { appDataDir, appRoot } from '../../core/app/paths.js';
import { UsageError } from '../args.js';
import { inspectFolder } from '../../core/project/project.js';
import { openInBrowser } from '../open-browser.js';

/** Long enough for a browser to start cold on a busy laptop; the code also dies on first use. */
const LAUNCH_CODE_TTL_MS = 60_000;

export const uiCommand: Command = {
  name: 'ui',
  summary: 'serve the Strata UI in your browser, on 127.0.0.1 only',
  usage: 'strata ui [dir] [--port N] [--no-open]',
  description:
    'Prints "Strata UI: <url>" first; the URL carries this launch\'s token, so keep it out of logs. The browser ' +
    'is opened on a file only you can read, which signs it in once. Ctrl+C stops the server.',
  flags: {
    port: { type: 'string', help: 'port to listen on (0 picks a free one; default 0)' },
    'no-open': { type: 'boolean', help: 'do not open a browser' },
  },
  async run(args, io) {
    const port = Number(args.flags.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a number from 0 to 65535, not ${String(args.flags.port)}`);
    const engine = new Engine();
    const dir = args.positional[0];
    // A folder that is not a project yet opens to the start screen, which offers to initialise it.
    if (dir && inspectFolder(dir).kind === 'project') engine.openProject(path.resolve(dir));
    const host = await startBrowserHost({
      engine,
      port,
      staticDir: path.join(appRoot(), 'dist', 'renderer'),
    });
    io.out(`Strata UI: ${host.url}`);
    if (dir && !engine.project)
      io.err(`${path.resolve(dir)} is not a Strata project yet; the UI offers to initialise it.`);
    // The browser's command line is readable by every local user (/proc/<pid>/cmdline), so it gets a
    // private file that forwards with a one-time code, never the token.
    if (!args.flags['no-open']) {
      const launch = host.launchUrl(LAUNCH_CODE_TTL_MS);
      try {
        const file = writeLaunchFile(path.join(appDataDir(), 'runtime'), launch.url);
        void launch.spent.then(() => file.remove());
        openInBrowser(pathToFileURL(file.file).href, (message) => io.err(message));
      } catch (err) {
        io.err(`cannot open the browser (${(err as Error).message}); open the URL above instead`);
      }
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    await engine.shutdown();
    return 0;
  },
};
