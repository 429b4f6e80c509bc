import crypto from 'node:crypto';
import type { ReproDifference, ReproLimit, Reproduction, Tolerance } from '../../../shared/api/review.js';
import { StrataError } from '../../../shared/errors.js';
import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import { startRun } from '../pipeline/runner.js';
import { resolveRunId } from '../runs/repo.js';
import { resolveRef } from '../store/repo.js';
import { parseSpec } from '../../../shared/version-spec.js';
import { compareRuns, parseTolerance, type Comparison } from './compare.js';
import { checkoutInputs } from './inputs.js';
import { fullSeries, readRecord, type RunRecord } from './record.js';
import { prepareScratch, projectAt } from './scratch.js';

/** The tag a reproduction's own run carries: the original's id (Compare and the runs list show it). */
export const REPRODUCES_TAG = 'strata.reproduces';

interface Row {
  id: string;
  run_id: string;
  repro_run_id: string | null;
  status: Reproduction['status'];
  verdict: Reproduction['verdict'];
  tolerances: string;
  report: string | null;
  started_at: number;
  ended_at: number | null;
  setup_ms: number | null;
  error: string | null;
}

function fromRow(r: Row): Reproduction {
  const report = r.report
    ? (JSON.parse(r.report) as Pick<
        Reproduction,
        'limits' | 'differences' | 'outputs' | 'metrics' | 'suggestions'
      >)
    : { limits: [], differences: [], outputs: [], metrics: [], suggestions: [] };
  return {
    id: r.id,
    runId: r.run_id,
    reproRunId: r.repro_run_id,
    status: r.status,
    verdict: r.verdict,
    ...report,
    tolerances: JSON.parse(r.tolerances) as Record<string, Tolerance>,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    setupMs: r.setup_ms,
    error: r.error,
  };
}

export function getReproduction(project: Project, id: string): Reproduction {
  const row = project.db.prepare('SELECT * FROM reproductions WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw new StrataError('NOT_FOUND', `no reproduction ${id}`);
  return fromRow(row);
}

export function latestReproduction(project: Project, run: string): Reproduction | null {
  const row = project.db
    .prepare('SELECT * FROM reproductions WHERE run_id = ? ORDER BY started_at DESC LIMIT 1')
    .get(resolveRunId(project, run)) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** A run id (or prefix, or name), or artifact@version: the run that wrote that version. */
export function runOf(project: Project, ref: string): string {
  if (!ref.includes('@')) return resolveRunId(project, ref);
  const { artifact, ref: version } = parseSpec(ref);
  const v = resolveRef(project, artifact, version);
  if (!v.runId)
    throw new StrataError(
      'NOT_FOUND',
      `${artifact}@${v.number} was not written by a run (source: ${v.source}): there is nothing to reproduce`,
    );
  return v.runId;
}

/** What the record itself lacks, before anything is set up. */
function recordLimits(o: RunRecord): ReproLimit[] {
  const limits: ReproLimit[] = [];
  if (o.kind !== 'pipeline' || o.stages.length === 0)
    limits.push({
      kind: 'no-stages',
      message: `run ${o.id} was logged from a script (${o.kind}), not run as pipeline stages: Strata has no command to run again`,
      fatal: true,
    });
  else if (o.status !== 'done')
    limits.push({
      kind: 'not-finished',
      message: `run ${o.id} ended ${o.status}: there is no complete result to reproduce`,
      fatal: true,
    });
  return limits;
}

function finish(
  project: Project,
  id: string,
  fields: {
    status: Reproduction['status'];
    limits: ReproLimit[];
    comparison?: Comparison;
    setupDifferences?: ReproDifference[];
    setupMs?: number | null;
    error?: string | null;
  },
): Reproduction {
  const c = fields.comparison;
  const report = {
    limits: fields.limits,
    differences: c?.differences ?? fields.setupDifferences ?? [],
    outputs: c?.outputs ?? [],
    metrics: c?.metrics ?? [],
    suggestions: c?.suggestions ?? [],
  };
  const verdict = c?.verdict ?? (fields.status === 'refused' ? 'not-reproduced' : null);
  project.db
    .prepare(
      'UPDATE reproductions SET status = ?, verdict = ?, report = ?, ended_at = ?, setup_ms = coalesce(?, setup_ms), error = ? WHERE id = ?',
    )
    .run(
      fields.status,
      verdict,
      JSON.stringify(report),
      Date.now(),
      fields.setupMs ?? null,
      fields.error ?? null,
      id,
    );
  return getReproduction(project, id);
}

/**
 * Starts reproducing a run as a job: a scratch worktree at the recorded code, the recorded data put
 * back, every recorded stage run again (a run of its own, tagged with the original's id), then the
 * comparison. The job's result is the Reproduction; a refusal is a verdict, not an error.
 */
export function startReproduction(
  project: Project,
  engine: Engine,
  runRef: string,
  toleranceTexts: Record<string, string>,
): { jobId: string; reproductionId: string } {
  const runId = runOf(project, runRef);
  const original = readRecord(project, runId);
  const tolerances: Record<string, Tolerance> = {};
  for (const [k, t] of Object.entries(toleranceTexts)) tolerances[k] = parseTolerance(t);
  const id = crypto.randomBytes(6).toString('hex');
  project.db
    .prepare(
      "INSERT INTO reproductions (id, run_id, status, tolerances, started_at) VALUES (?, ?, 'running', ?, ?)",
    )
    .run(id, runId, JSON.stringify(tolerances), Date.now());
  const stageCount = original.stages.length;
  const { job } = engine.jobs.start(
    { label: `reproduce run ${runId}`, unit: 'steps', total: stageCount + 2 },
    async (ctx) => {
      try {
        return await reproduce(project, engine, id, original, tolerances, ctx.signal, (n) => ctx.progress(n));
      } catch (err) {
        if (project.db.open)
          finish(project, id, {
            status: ctx.signal.aborted ? 'cancelled' : 'failed',
            limits: [],
            error: (err as Error).message,
          });
        throw err;
      }
    },
  );
  return { jobId: job.id, reproductionId: id };
}

async function reproduce(
  project: Project,
  engine: Engine,
  id: string,
  original: RunRecord,
  tolerances: Record<string, Tolerance>,
  signal: AbortSignal,
  progress: (n: number) => void,
): Promise<Reproduction> {
  const limits = recordLimits(original);
  if (limits.some((l) => l.fatal)) return finish(project, id, { status: 'refused', limits });
  const started = performance.now();
  const scratch = await prepareScratch(project, original.code);
  try {
    limits.push(...scratch.limits);
    if (limits.some((l) => l.fatal))
      return finish(project, id, { status: 'refused', limits, setupDifferences: scratch.differences });
    const view = projectAt(project, scratch.root, true);
    const data = await checkoutInputs(view, original.stages, signal);
    limits.push(...data.limits);
    const setupDifferences = [...scratch.differences, ...data.differences];
    const setupMs = performance.now() - started;
    if (limits.some((l) => l.fatal))
      return finish(project, id, { status: 'refused', limits, setupDifferences, setupMs });
    progress(1);
    if (signal.aborted) throw new StrataError('CANCELLED', 'the reproduction was cancelled');
    let done = 1;
    const { runId: reproRunId, done: ended } = startRun(view, {
      stages: original.stages.map((s) => s.stage),
      force: true,
      reproduction: true,
      name: `reproduce ${original.name}`,
      signal,
      events: {
        onRun: (run) => engine.emit('run.update', run),
        onLog: (e) => engine.emit('run.log', e),
        onMetrics: (runId, keys) => engine.emit('run.metrics', { runId, keys }),
        onStage: (_s, status) => {
          if (status !== 'running' && status !== 'pending') progress(++done);
        },
      },
    });
    project.db
      .prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)')
      .run(reproRunId, REPRODUCES_TAG, original.id);
    project.db
      .prepare('UPDATE reproductions SET repro_run_id = ?, setup_ms = ? WHERE id = ?')
      .run(reproRunId, setupMs, id);
    const summary = await ended;
    if (summary.status === 'cancelled') throw new StrataError('CANCELLED', 'the reproduction was cancelled');
    const declared = Object.values(view.config.config.artifacts).map((a) =>
      a.path.replace(/^\.\//, '').replace(/\/$/, ''),
    );
    const comparison = compareRuns({
      original,
      reproduced: readRecord(project, reproRunId),
      series: (run, key) => fullSeries(project, run, key),
      tolerances,
      dataPaths: new Set([...declared, ...data.restored]),
      setupDifferences,
    });
    progress(original.stages.length + 2);
    return finish(project, id, { status: 'done', limits, comparison, setupMs });
  } finally {
    await scratch.dispose();
  }
}
