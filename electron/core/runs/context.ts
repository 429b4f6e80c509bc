import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function run(cmd: string, args: string[], timeout: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      resolve(err ? null : (stdout || stderr).trim()),
    );
  });
}

const LOCK_FILES = [
  'requirements.txt',
  'requirements-dev.txt',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'environment.yml',
  'conda-lock.yml',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
];
const LOCK_INLINE = 256 << 10;

/** Where a run ran: OS, CPU, Node and Python versions, pip freeze, and the project's lock files (inline when small, hashed always). */
export async function captureEnvironment(root: string): Promise<Record<string, unknown>> {
  const cpus = os.cpus();
  const [python, pip] = await Promise.all([
    run('python3', ['--version'], 5000),
    run('python3', ['-m', 'pip', 'freeze', '--disable-pip-version-check'], 20000),
  ]);
  const locks: Record<string, { sha256: string; bytes: number; text?: string }> = {};
  for (const name of LOCK_FILES) {
    try {
      const buf = fs.readFileSync(path.join(root, name));
      locks[name] = {
        sha256: crypto.createHash('sha256').update(buf).digest('hex'),
        bytes: buf.length,
        ...(buf.length <= LOCK_INLINE ? { text: buf.toString('utf8') } : {}),
      };
    } catch {
      // not there
    }
  }
  return {
    os: { platform: process.platform, release: os.release(), arch: process.arch, hostname: os.hostname() },
    cpu: { model: cpus[0]?.model ?? null, count: cpus.length },
    memoryBytes: os.totalmem(),
    node: process.version,
    python: python?.replace(/^Python\s+/, '') ?? null,
    pipFreeze: pip ? pip.split('\n').filter(Boolean) : null,
    lockFiles: locks,
  };
}
