import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { RUN_MARK, stopMarked, type MarkedStop } from './marked.js';

export interface StepResult {
  exitCode: number | null;
  signal: string | null;
  /** processes the step left behind (in its group or escaped from it) after it exited, which Strata then stopped */
  leftovers: boolean;
  /** processes of the step that were still alive after SIGKILL, on cancel or at its end */
  survivors: number[];
  cancelled: boolean;
  /** the command could not be started at all */
  spawnError: string | null;
  /** why the step did not succeed, in its executor's words, where an exit code does not say it */
  failure?: string;
  /** what the executor has to tell about the step, for its log */
  notes?: string[];
}

export interface StepOptions {
  cmd: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput: (stream: 'stdout' | 'stderr', text: string) => void;
  onStart?: (pid: number) => void;
  signal?: AbortSignal;
  /** ms between SIGTERM and SIGKILL */
  graceMs?: number;
}

/** Signals a whole process group; false when nothing is left in it. */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process group still has a live member. kill(-pgid, 0) also succeeds for zombies, which
 * linger where PID 1 does not reap orphans (containers), so on Linux /proc is asked for their state.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  try {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the parenthesised command: state, ppid, pgrp, …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z') return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** SIGTERM to the group, SIGKILL after the grace period if anything is still there. */
export function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return Promise.resolve();
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (!groupAlive(pgid)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started >= graceMs) {
        signalGroup(pgid, 'SIGKILL');
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });
}

/**
 * Stops a step's processes: its group, and the processes that left the group (setsid, a daemon's
 * double fork) found by the run marker in their environment.
 */
async function stopAll(
  pgid: number | undefined,
  runId: string | undefined,
  graceMs: number,
): Promise<MarkedStop> {
  const [, marked] = await Promise.all([
    pgid ? stopGroup(pgid, graceMs) : undefined,
    runId ? stopMarked(runId, graceMs) : { stopped: 0, survivors: [] },
  ]);
  return marked;
}

/**
 * Runs one step through the shell as the leader of its own process group, so cancelling reaches its
 * children and grandchildren; those that leave the group are found by the run marker their
 * environment carries (env.STRATA_RUN_ID), on cancel and when the step exits. Output is always read
 * (never left to fill a pipe and block the step); what to keep is the caller's business.
 */
export function runStep(opts: StepOptions): Promise<StepResult> {
  const grace = opts.graceMs ?? 5000;
  return new Promise((resolve) => {
    let cancelled = false;
    let leftovers = false;
    let exit: { code: number | null; signal: string | null } | null = null;
    const child = spawn('/bin/sh', ['-c', opts.cmd], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    const runId = opts.env[RUN_MARK];
    let stopping: Promise<MarkedStop> | null = null;
    const onAbort = () => {
      cancelled = true;
      stopping = stopAll(pgid, runId, grace);
    };
    if (pgid) opts.onStart?.(pgid);
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream].on('data', (buf: Buffer) => opts.onOutput(stream, decoder.write(buf)));
      child[stream].on('end', () => {
        const rest = decoder.end();
        if (rest) opts.onOutput(stream, rest);
      });
    }
    let closed = false;
    const finish = (spawnError: string | null) => {
      if (closed) return;
      closed = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void Promise.resolve(stopping).then((stopped) =>
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          leftovers: leftovers || (stopped?.stopped ?? 0) > 0,
          survivors: stopped?.survivors ?? [],
          cancelled,
          spawnError,
        }),
      );
    };
    child.on('error', (err) => finish(err.message));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // The leader is gone; anything still in its group or carrying the marker was started by the
      // step and outlived it.
      if (!stopping) {
        if (pgid && groupAlive(pgid)) leftovers = true;
        stopping = stopAll(pgid, runId, grace);
      }
      // A process that escaped both (cleared its environment and left the group) may still hold the
      // pipes open; do not wait for it forever.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(null);
      }, grace + 2000).unref();
    });
    child.on('close', () => finish(null));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
