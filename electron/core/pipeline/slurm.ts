import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SlurmResources } from '../config/schema.js';
import { RUN_MARK } from './marked.js';
import type { StepOptions, StepResult } from './process.js';

/** What Strata learns of a stage's job while it runs. */
export interface SlurmJob {
  id: string;
  state: string;
  node: string | null;
  reason: string | null;
}

export interface SlurmSubmitOptions {
  cmd: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stage: string;
  resources: SlurmResources;
  /** the run's folder: the batch script and the job's output files go there */
  runDir: string;
  /** jobs that must end successfully before this one may start (sbatch --dependency=afterok) */
  after?: string[];
}

export interface SlurmFollowOptions {
  env: NodeJS.ProcessEnv;
  stage: string;
  runDir: string;
  onOutput: StepOptions['onOutput'];
  /** the job started on a node, changed state, or ended */
  onJob?: (job: SlurmJob) => void;
  /** scancels the job */
  signal?: AbortSignal;
  /** ms between looks at the job and its output files */
  pollMs?: number;
}

export interface SlurmStepResult extends StepResult {
  job: SlurmJob | null;
}

const DOCS = 'see docs/slurm.md';
/** States a job leaves only by being purged; any other is pending, running or on its way out. */
const ENDED = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** sbatch reads % in --output as a pattern (%j is the job id); a literal one is written %%. */
function slurmPattern(p: string): string {
  return p.replace(/%/g, '%%');
}

/** The stage's resources as sbatch options; the extra options as written, after them. */
export function sbatchOptions(r: SlurmResources): string[] {
  const args: string[] = [];
  if (r.partition) args.push(`--partition=${r.partition}`);
  if (r.time !== undefined) args.push(`--time=${r.time}`);
  if (r.cpus !== undefined) args.push(`--cpus-per-task=${r.cpus}`);
  if (r.mem !== undefined) args.push(`--mem=${r.mem}`);
  if (r.gres) args.push(`--gres=${r.gres}`);
  return [...args, ...r.options];
}

/**
 * The batch script: the run's STRATA_* variables written out (a site may submit with --export=NONE,
 * and then the submitting environment never reaches the job), the step's folder, the command.
 */
export function batchScript(cmd: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const exports = Object.entries(env)
    .filter(([k, v]) => v !== undefined && (k.startsWith('STRATA_') || k === 'PYTHONPATH'))
    .map(([k, v]) => `export ${k}=${shellQuote(v as string)}`);
  return ['#!/bin/sh', ...exports, `cd ${shellQuote(cwd)} || exit 1`, cmd, ''].join('\n');
}

/** `scontrol show job -o` prints one line of Key=Value fields. */
export function parseJobLine(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) fields[m[1]] = m[2];
  return fields;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
  error: { code: string; message: string } | null;
}> {
  // Without the run's marker: a local stage ending meanwhile stops every marked process, and would
  // take an sbatch or scontrol of this run for one it left behind. The batch script exports the
  // marker to the job itself.
  const { [RUN_MARK]: _marker, ...unmarked } = env;
  return new Promise((resolve) => {
    execFile(cmd, args, { env: unmarked, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        // a string code (ENOENT, ETIMEDOUT): the command did not run to its end
        error: error && typeof error.code === 'string' ? { code: error.code, message: error.message } : null,
      }),
    );
  });
}

/**
 * Cancels jobs whose runner is gone (it was killed mid-run), so they do not hold the cluster's nodes.
 * Returns what could not be cancelled, in words.
 */
export async function cancelJobs(ids: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  if (!ids.length) return [];
  const r = await run('scancel', ids, env);
  return r.code === 0
    ? []
    : [`SLURM job ${ids.join(', ')} could not be cancelled: ${r.stderr.trim() || r.error?.message}`];
}

/** Passes on what was appended to a file since the last look (the job writes it on the cluster's node). */
class FileTail {
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  seen = false;
  constructor(
    readonly file: string,
    private readonly emit: (text: string) => void,
  ) {}
  read(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    this.seen = true;
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.decoder.write(buf.subarray(0, n));
        if (text) this.emit(text);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.emit(rest);
  }
}

function signalName(n: number): string | null {
  const entry = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return entry ? entry[0] : null;
}

/** The job's output files are named after the stage and the job id, in the run's folder. */
function outputBase(runDir: string, stage: string): string {
  return path.join(runDir, `slurm-${encodeURIComponent(stage)}`);
}

/**
 * Submits a step as a SLURM batch job with sbatch. With `after`, the job waits in the queue until
 * those jobs have ended successfully, and SLURM cancels it if one of them fails
 * (--kill-on-invalid-dep), so a failed upstream never leaves it pending, even when Strata is gone.
 */
export async function submitSlurmJob(
  opts: SlurmSubmitOptions,
): Promise<{ id: string; spawnError?: undefined } | { id?: undefined; spawnError: string }> {
  const script = path.join(opts.runDir, `slurm-${encodeURIComponent(opts.stage)}.sh`);
  fs.writeFileSync(script, batchScript(opts.cmd, opts.cwd, opts.env), { mode: 0o755 });
  const out = outputBase(opts.runDir, opts.stage);
  const after = opts.after?.length
    ? [`--dependency=afterok:${opts.after.join(':')}`, '--kill-on-invalid-dep=yes']
    : [];
  const submitted = await run(
    'sbatch',
    [
      '--parsable',
      `--job-name=strata-${opts.stage}`,
      `--output=${slurmPattern(out)}-%j.out`,
      `--error=${slurmPattern(out)}-%j.err`,
      `--chdir=${opts.cwd}`,
      ...after,
      ...sbatchOptions(opts.resources),
      script,
    ],
    opts.env,
  );
  if (submitted.error?.code === 'ENOENT')
    return {
      spawnError: `sbatch was not found on PATH: a stage with executor: slurm needs SLURM's client commands (sbatch, squeue, scontrol, scancel) where Strata runs (${DOCS})`,
    };
  if (submitted.error || submitted.code !== 0)
    return {
      spawnError: `sbatch refused the job: ${(submitted.stderr.trim() || submitted.error?.message || `exit code ${submitted.code}`).replace(/\s*\n\s*/g, '; ')}`,
    };
  return { id: submitted.stdout.trim().split(';')[0] };
}

/**
 * Follows a submitted job: watches it with scontrol until it has ended, passes on its output as the
 * job writes it, and stops it with scancel when the signal aborts. The job's output files are in the
 * run's folder, so the project folder must be shared with the cluster's nodes.
 */
export async function followSlurmJob(id: string, opts: SlurmFollowOptions): Promise<SlurmStepResult> {
  const poll = opts.pollMs ?? 500;
  const out = outputBase(opts.runDir, opts.stage);
  const job: SlurmJob = { id, state: 'SUBMITTED', node: null, reason: null };
  const tails = (['stdout', 'stderr'] as const).map(
    (stream) =>
      new FileTail(`${out}-${id}.${stream === 'stdout' ? 'out' : 'err'}`, (text) =>
        opts.onOutput(stream, text),
      ),
  );

  let cancelled = false;
  let cancelError: string | null = null;
  const onAbort = () => {
    cancelled = true;
    // One that has ended (SLURM cancelled it for a failed dependency) has nothing left to stop.
    if (ENDED.has(job.state)) return;
    void run('scancel', [id], opts.env).then((r) => {
      if (r.code !== 0) cancelError = r.stderr.trim() || r.error?.message || `exit code ${r.code}`;
    });
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  let fields: Record<string, string> = {};
  let lost: string | null = null;
  try {
    for (;;) {
      const shown = await run('scontrol', ['show', 'job', '-o', id], opts.env);
      for (const t of tails) t.read();
      if (shown.code !== 0) {
        // Purged from the controller's memory (MinJobAge) between two looks: it ended, how is unknown.
        lost = shown.stderr.trim() || shown.error?.message || `scontrol exit code ${shown.code}`;
        break;
      }
      fields = parseJobLine(shown.stdout);
      const state = (fields.JobState ?? 'UNKNOWN').split('+')[0];
      const node = fields.NodeList && fields.NodeList !== '(null)' ? fields.NodeList : null;
      const reason = fields.Reason && fields.Reason !== 'None' ? fields.Reason : null;
      if (state !== job.state || node !== job.node) {
        Object.assign(job, { state, node, reason });
        opts.onJob?.({ ...job });
      }
      if (ENDED.has(state)) break;
      await new Promise((r) => setTimeout(r, poll));
    }
    // The node may write the last bytes after the controller records the end (and a shared filesystem
    // may show them later still); a job that never reached a node has none to write.
    for (let i = 0; i < 10 && !tails[0].seen && job.node !== null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      tails[0].read();
    }
    for (const t of tails) {
      t.read();
      t.end();
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }

  const [code, sig] = (fields.ExitCode ?? ':').split(':').map((n) => (n === '' ? null : Number(n)));
  const ran = job.state !== 'CANCELLED' || job.node !== null;
  const notes: string[] = [];
  if (!tails[0].seen && ran && !cancelled)
    notes.push(
      `the job's output file ${tails[0].file} never appeared here: the project folder must be on a filesystem the cluster's nodes share (${DOCS})`,
    );
  if (cancelError && job.state !== 'CANCELLED') notes.push(`scancel ${id} failed: ${cancelError}`);
  if (lost) notes.push(`SLURM no longer knows job ${id} (${lost})`);
  const where = job.node ? ` on ${job.node}` : '';
  const completed = job.state === 'COMPLETED' && !lost;
  let failure: string | undefined;
  if (!completed && !cancelled)
    failure =
      job.state === 'FAILED' && code
        ? `exit code ${code} (SLURM job ${id} FAILED${where})`
        : `SLURM job ${id} ${lost ? 'ended unseen' : job.state}${where}${job.reason ? ` (reason: ${job.reason})` : ''}`;
  return {
    // A job the cluster ended (TIMEOUT, NODE_FAIL…) may report exit code 0: it still did not succeed.
    exitCode: completed ? (code ?? 0) : code || null,
    signal: sig ? signalName(sig) : null,
    cancelled,
    failure,
    notes,
    job,
    leftovers: false,
    survivors: [],
    spawnError: null,
  };
}
