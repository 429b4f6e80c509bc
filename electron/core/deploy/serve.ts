// `strata serve`: a prediction service in the foreground, for a model version or a bundle, not
// recorded as a deployment. The engine remembers what it started so that only those can be stopped.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { ServeInfo } from '../../../shared/api/deploy.js';
import { freePort, serverAlive, serverKind, startServer, stopServer } from './server.js';

/** pid → folders to remove once it is stopped: its output's, and an extracted bundle's */
const started = new Map<number, { output: string; bundle: string | null }>();

export async function serveFolder(opts: {
  modelDir: string;
  model: string;
  version: number;
  port?: number;
  python?: string;
  logs?: string;
  cwd: string;
  cleanup?: string;
}): Promise<ServeInfo> {
  const port = opts.port || (await freePort());
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-serve-'));
  const outputFile = path.join(outDir, 'server.log');
  let s;
  try {
    s = await startServer(
      {
        kind: serverKind('auto', opts.modelDir),
        modelDir: opts.modelDir,
        port,
        name: opts.model,
        version: opts.version,
        logs: opts.logs ? path.resolve(opts.logs) : null,
        python: opts.python ?? process.env.STRATA_PYTHON,
        outputFile,
        cwd: opts.cwd,
      },
      60_000,
    );
  } catch (err) {
    // The error carries the server's last lines already.
    fs.rmSync(outDir, { recursive: true, force: true });
    throw err;
  }
  started.set(s.pid, { output: outDir, bundle: opts.cleanup ?? null });
  return {
    pid: s.pid,
    url: s.url,
    port: s.port,
    server: s.kind,
    serving: `${opts.model}@${opts.version}`,
    outputFile,
  };
}

export async function stopServed(pid: number): Promise<boolean> {
  if (!started.has(pid)) return false;
  const dirs = started.get(pid)!;
  started.delete(pid);
  const alive = serverAlive(pid);
  await stopServer(pid);
  if (dirs.bundle) fs.rmSync(dirs.bundle, { recursive: true, force: true });
  // A server that ended by itself keeps its output for the person reading why.
  if (alive) fs.rmSync(dirs.output, { recursive: true, force: true });
  return alive;
}
