import fs from 'node:fs';
import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withEngine, withProject, type CliApi } from '../api.js';
import type { ServeInfo } from '../../../shared/api/deploy.js';

/** Until Ctrl-C (or SIGTERM), or until the server ends by itself. */
function untilStopped(pid: number): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      clearInterval(poll);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = () => done('interrupted');
    const onTerm = () => done('terminated');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const poll = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        done('the server exited');
      }
    }, 500);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a model version or a bundle file on 127.0.0.1 until Ctrl-C (not recorded as a deployment)',
  usage:
    'strata serve <model>@<version>|<bundle file> [--port N] [--logs <folder>] [--python <interpreter>] [--json]',
  description:
    'Open Inference Protocol v2 routes and POST /predict (docs/deploy.md). A bundle is verified first and needs no project.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    port: { type: 'string', help: 'the port (default: a free one)' },
    logs: { type: 'string', help: 'write the prediction log (JSONL) into this folder' },
    python: { type: 'string', help: 'the interpreter for a pickled model (default python3)' },
  },
  async run(args, io) {
    if (args.positional.length !== 1)
      throw new UsageError('strata serve takes one <model>@<version> or a bundle file');
    let port: number | undefined;
    if (args.flags.port !== undefined) {
      port = Number(args.flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port takes a port number, not ${String(args.flags.port)}`);
    }
    const what = args.positional[0];
    const isBundle = fs.existsSync(what) && fs.statSync(what).isFile();
    const params = {
      port,
      logs: args.flags.logs as string | undefined,
      python: args.flags.python as string | undefined,
      ...(isBundle ? { bundle: what } : { model: what }),
    };
    const serve = async (api: CliApi) => {
      const s: ServeInfo = await api.call('serve.start', params);
      if (args.flags.json) printJson(io, s);
      else io.out(`serving ${s.serving} (${s.server}) on ${s.url}  (POST ${s.url}/predict; Ctrl-C stops)`);
      const why = await untilStopped(s.pid);
      await api.call('serve.stop', { pid: s.pid });
      if (why === 'the server exited') {
        io.err(`strata serve: the server exited; its output is in ${s.outputFile}`);
        return 1;
      }
      return 0;
    };
    return isBundle ? withEngine(serve) : withProject(args.flags, serve);
  },
};
