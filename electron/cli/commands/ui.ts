import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Command } from '../command.js';
import { Engine } from '../../core/engine.js';
import { startBrowserHost } from '../../host/server.js';
import { appRoot } from '../../core/app/paths.js';
import { UsageError } from '../args.js';
import { inspectFolder } from '../../core/project/project.js';

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export const uiCommand: Command = {
  name: 'ui',
  summary: 'serve the Strata UI in your browser, on 127.0.0.1 only',
  usage: 'strata ui [dir] [--port N] [--no-open]',
  description: 'Prints "Strata UI: <url>" first; the URL carries a one-time token. Ctrl+C stops the server.',
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
    if (!args.flags['no-open']) openInBrowser(host.url);
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
