// Starting a prediction service as a child process and knowing when it serves: the built-in Python
// helper, the built-in ONNX server, or the user's own serve command.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { groupAlive, stopGroup } from '../pipeline/process.js';
import { clientsDir } from '../pipeline/env.js';

export interface ServerSpec {
  kind: 'python' | 'onnx' | 'command';
  modelDir: string;
  port: number;
  name: string;
  version: number;
  logs: string | null;
  logMaxBytes?: number;
  python?: string;
  /** the user's command, with {model_dir} and {port} */
  serve?: string;
  /** where the server's own output goes (kept to show why it failed) */
  outputFile: string;
  cwd: string;
}

export interface RunningServer {
  pid: number;
  port: number;
  url: string;
  kind: ServerSpec['kind'];
}

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** auto: the ONNX server for a folder holding a .onnx file, else the Python helper. */
export function serverKind(configured: string, modelDir: string): ServerSpec['kind'] {
  if (configured === 'python' || configured === 'onnx' || configured === 'command') return configured;
  const onnx = fs
    .readdirSync(modelDir, { recursive: true, encoding: 'utf8' })
    .some((f) => f.endsWith('.onnx'));
  return onnx ? 'onnx' : 'python';
}

/** A port nothing listens on now (the kernel's pick), for a target without one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Refuses a configured port something already listens on, naming it, before anything is stopped or started. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new StrataError(
          'PORT_IN_USE',
          err.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is in use by another program; free it or give the target another port`
            : `Port ${port} cannot be used: ${err.code ?? err.message}`,
        ),
      ),
    );
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

function commandLine(spec: ServerSpec): {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  shell: boolean;
} {
  const common = [
    '--model-dir',
    spec.modelDir,
    '--port',
    String(spec.port),
    '--name',
    spec.name,
    '--version',
    String(spec.version),
    '--logs',
    spec.logs ?? '',
    ...(spec.logMaxBytes ? ['--log-max-bytes', String(spec.logMaxBytes)] : []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.ELECTRON_RUN_AS_NODE;
  if (spec.kind === 'python') {
    const py = path.join(clientsDir(), 'python');
    env.PYTHONPATH = env.PYTHONPATH ? `${py}${path.delimiter}${env.PYTHONPATH}` : py;
    env.PYTHONUNBUFFERED = '1';
    return { cmd: spec.python ?? 'python3', args: ['-m', 'strata.serve', ...common], env, shell: false };
  }
  if (spec.kind === 'onnx') {
    const file = new URL(FROM_SOURCES ? './onnx-server.ts' : './onnx-server.js', import.meta.url).pathname;
    const loader = FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [];
    // Under Electron the same binary runs plain Node scripts with ELECTRON_RUN_AS_NODE.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    return { cmd: process.execPath, args: [...loader, file, ...common], env, shell: false };
  }
  const line = (spec.serve as string)
    .replaceAll('{model_dir}', JSON.stringify(spec.modelDir))
    .replaceAll('{port}', String(spec.port));
  env.STRATA_MODEL_DIR = spec.modelDir;
  env.STRATA_MODEL_VERSION = String(spec.version);
  env.STRATA_PREDICTION_LOGS = spec.logs ?? '';
  return { cmd: line, args: [], env, shell: true };
}

/** The last lines a server printed, for a message about why it failed. */
export function outputTail(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function get(url: string, timeoutMs: number): Promise<Response | null> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return null;
  }
}

export async function isHealthy(url: string): Promise<boolean> {
  const r = await get(`${url}/v2/health/ready`, 1000);
  return r?.ok ?? false;
}

/**
 * Starts the server as the leader of its own process group, with its output going to a file (so it
 * outlives the process that started it, for a target kept running), and waits until it answers its
 * readiness check. A server that exits first or never answers is stopped, and the error carries its
 * last lines of output.
 */
export async function startServer(
  spec: ServerSpec,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RunningServer> {
  fs.mkdirSync(path.dirname(spec.outputFile), { recursive: true });
  const out = fs.openSync(spec.outputFile, 'a');
  const { cmd, args, env, shell } = commandLine(spec);
  const child = spawn(cmd, args, { cwd: spec.cwd, env, shell, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited: string | null = null;
  child.on('exit', (code, sig) => (exited = sig ? `was killed by ${sig}` : `exited with code ${code}`));
  child.on('error', (err) => (exited = `could not start: ${err.message}`));
  child.unref();
  const pid = child.pid;
  const url = `http://127.0.0.1:${spec.port}`;
  const what = spec.kind === 'command' ? `The serve command (${cmd})` : `The ${spec.kind} server`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited || !pid) {
      const tail = outputTail(spec.outputFile);
      throw new StrataError(
        'DEPLOY_FAILED',
        `${what} ${exited ?? 'could not start'}${tail ? `:\n${tail}` : ''}`,
      );
    }
    if (await isHealthy(url)) return { pid, port: spec.port, url, kind: spec.kind };
    if (signal?.aborted || Date.now() > deadline) {
      await stopGroup(pid, 2000);
      if (signal?.aborted)
        throw new StrataError('CANCELLED', 'Deploy cancelled while the server was starting');
      const tail = outputTail(spec.outputFile);
      throw new StrataError(
        'DEPLOY_FAILED',
        `${what} did not become healthy within ${Math.round(timeoutMs / 1000)} s (no answer at ${url}/v2/health/ready)${tail ? `:\n${tail}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopServer(pid: number): Promise<void> {
  await stopGroup(pid, 3000);
}

export function serverAlive(pid: number | null): boolean {
  return pid !== null && groupAlive(pid);
}
