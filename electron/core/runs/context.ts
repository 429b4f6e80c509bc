import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIFF_CAP = 8 << 20;

export interface GitInfo {
  commit: string | null;
  diffHash: string | null;
  diff: string | null;
}

function git(root: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd: root, encoding: 'utf8', timeout: 10000, maxBuffer: DIFF_CAP * 2 },
      (err, stdout) => resolve(err ? null : stdout),
    );
  });
}

/**
 * The commit the project is at and its uncommitted changes (a diff against HEAD), when it is a git
 * repository. Asynchronous: a big repository's diff must not stall the host's event loop.
 */
export async function gitInfo(root: string): Promise<GitInfo> {
  const head = await git(root, ['rev-parse', 'HEAD']);
  if (head === null) return { commit: null, diffHash: null, diff: null };
  let text = (await git(root, ['diff', 'HEAD', '--binary'])) ?? '';
  const diffHash = text ? crypto.createHash('sha256').update(text).digest('hex') : null;
  if (text.length > DIFF_CAP)
    text =
      text.slice(0, DIFF_CAP) +
      `\n[strata] diff truncated at ${DIFF_CAP} characters; its hash covers all of it\n`;
  return { commit: head.trim(), diffHash, diff: text || null };
}

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
