import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Every process a step starts inherits its environment, and with it this variable naming the run.
 * A process that leaves the step's process group (setsid, a daemon's double fork) still carries it,
 * so the run's processes are found by it — on Linux in /proc/<pid>/environ, on macOS through
 * `ps -E`. Chosen over a cgroup because it needs no privilege: cgroup v2 delegation is writable for
 * root here, but a desktop session may not delegate one, and macOS has none. A subreaper
 * (PR_SET_CHILD_SUBREAPER) is out of reach of Node without native code. What escapes it: a process
 * that clears its environment (`env -i`) and leaves the group, or runs as another user.
 */
export const RUN_MARK = 'STRATA_RUN_ID';

/**
 * The run's SLURM jobs carry the marker too (their batch script exports it for the clients), and on a
 * node that is also where Strata runs they are local processes: they belong to their job, which
 * scancel stops, not to a step. A job is told by SLURM_JOB_ID; Strata itself may run inside a job
 * (an interactive allocation), whose id its local steps inherit.
 */
const OWN_JOB = `SLURM_JOB_ID=${process.env.SLURM_JOB_ID ?? ''}`;

/**
 * Live processes (zombies have an empty environment) carrying the run's marker, this one and the
 * run's SLURM jobs excepted.
 */
export function markedProcesses(runId: string): number[] {
  const needle = `${RUN_MARK}=${runId}`;
  if (process.platform === 'linux') return scanProc(needle);
  if (process.platform === 'darwin') return scanPs(needle);
  return [];
}

/** The SLURM_JOB_ID=… entry of an environment block (NUL-separated), or null. */
function slurmJobEntry(env: Buffer): string | null {
  return (
    env
      .toString()
      .split('\0')
      .find((entry) => entry.startsWith('SLURM_JOB_ID=')) ?? null
  );
}

function scanProc(needle: string): number[] {
  const exact = Buffer.from(`\0${needle}\0`);
  const first = Buffer.from(`${needle}\0`);
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = fs.readFileSync(`/proc/${name}/environ`);
    } catch {
      // gone meanwhile, or another user's
      continue;
    }
    if (env.indexOf(exact) === -1 && !env.subarray(0, first.length).equals(first)) continue;
    const job = slurmJobEntry(env);
    if (job === null || job === OWN_JOB) found.push(pid);
  }
  return found;
}

function scanPs(needle: string): number[] {
  let out: string;
  try {
    // -E appends each process's environment to its command (only for the user's own processes).
    out = execFileSync('ps', ['-axEww', '-o', 'pid=,command='], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+) (.*)$/.exec(line);
    if (!m || Number(m[1]) === process.pid) continue;
    const padded = ` ${m[2]} `;
    if (!padded.includes(` ${needle} `)) continue;
    const job = / (SLURM_JOB_ID=\S*) /.exec(padded)?.[1] ?? null;
    if (job === null || job === OWN_JOB) found.push(Number(m[1]));
  }
  return found;
}

export interface MarkedStop {
  /** how many marked processes were found and stopped */
  stopped: number;
  /** pids still alive after SIGKILL (another user's, or stuck in the kernel) */
  survivors: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone, or not ours to signal: a later scan says whether it is still there
  }
}

/**
 * Stops every process carrying the run's marker: SIGTERM, then SIGKILL to those still there after the
 * grace period. Scans again and again until none is left, so a daemon forking while it is stopped
 * is caught too; bounded: what is alive a second after SIGKILL is reported, not waited for.
 */
export async function stopMarked(runId: string, graceMs: number): Promise<MarkedStop> {
  const seen = new Set<number>();
  let live = markedProcesses(runId);
  const term = Date.now() + graceMs;
  while (live.length && Date.now() < term) {
    for (const pid of live) {
      if (!seen.has(pid)) signal(pid, 'SIGTERM');
      seen.add(pid);
    }
    await sleep(50);
    live = markedProcesses(runId);
  }
  const kill = Date.now() + 1000;
  while (live.length && Date.now() < kill) {
    for (const pid of live) {
      signal(pid, 'SIGKILL');
      seen.add(pid);
    }
    await sleep(50);
    live = markedProcesses(runId);
  }
  return { stopped: seen.size - live.length, survivors: live };
}
