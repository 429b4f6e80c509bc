import { execFile } from 'node:child_process';

export interface GitResult {
  ok: boolean;
  stdout: string;
  /** the last line git wrote on stderr, or how it failed to start */
  error: string;
}

/**
 * git for the reproduction's scratch folder. A failure is an answer (ok false, with git's reason),
 * not an exception: each caller turns it into a named limit of the verdict.
 */
export function git(cwd: string, args: string[], timeoutMs = 120_000): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 64 << 20,
        env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' },
      },
      (err, stdout, stderr) => {
        const last = String(stderr).trim().split('\n').pop() ?? '';
        const error = err
          ? (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'git is not installed (no git on PATH)'
            : last || err.message
          : '';
        resolve({ ok: !err, stdout: String(stdout), error });
      },
    );
  });
}
