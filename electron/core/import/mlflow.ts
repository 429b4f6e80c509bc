import fs from 'node:fs';
import path from 'node:path';
import type { ImportedModel, MlflowImportReport } from '../../../shared/api/imports.js';
import type { RunStatus } from '../../../shared/api/runs.js';
import { StrataError } from '../../../shared/errors.js';
import type { JobContext } from '../jobs/jobs.js';
import { SeriesWriter } from '../metrics/chunks.js';
import { link } from '../pipeline/lineage.js';
import type { Project } from '../project/project.js';
import { insertRun, newRunId } from '../runs/repo.js';
import { recordVersion } from '../store/api.js';
import { setAlias } from '../store/repo.js';
import { workerPool } from '../jobs/worker.js';
import {
  listExperiments,
  listModels,
  localUri,
  ProblemList,
  runDirs,
  type MlflowExperiment,
  type MlflowModel,
  type MlflowRun,
} from './mlflow-files.js';
import type { ParsedRun, ParseRunInput } from './mlflow-worker.js';

/** Run folders parsed ahead of the one being written: the workers read while the database writes. */
const AHEAD = 3;

const parsers = () =>
  workerPool<ParseRunInput, ParsedRun>(new URL('./mlflow-worker.js', import.meta.url), {
    maxWorkers: 2,
    keepIdle: 2,
    idleMs: 10_000,
  });

const SOURCE = 'mlflow';
/** The stage name an imported run's artifacts and model versions are filed under in its lineage. */
export const IMPORT_STAGE = 'import';

const STATUS: Record<string, RunStatus> = {
  FINISHED: 'done',
  FAILED: 'failed',
  KILLED: 'cancelled',
  // An imported run is not running here: it stopped being watched when it was copied.
  RUNNING: 'interrupted',
  SCHEDULED: 'interrupted',
};

/** Where an imported run's artifacts are versioned: one artifact per run, beside nothing in the workspace. */
export function runArtifactPath(experimentId: string, mlflowRunId: string): string {
  return `mlflow/${experimentId}/${mlflowRunId}`;
}

/**
 * A param as MLflow logged it (always text): kept as a number when the text is exactly how that
 * number prints, so Compare can filter and plot it; otherwise as the string.
 */
function paramJson(text: string): string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && String(n) === text ? text : JSON.stringify(text);
}

type Progress = Pick<JobContext, 'progress' | 'checkCancelled'>;

export interface ImportOptions {
  folder: string;
  experiment?: string;
  /** called with each run as it is recorded, so the UI can show it */
  onRun?: (runId: string) => void;
}

/**
 * Imports an MLflow file store: each run into a run of its own (kind 'client': it was logged by a
 * tracking client), with params, tags, every metric point, its artifacts versioned as its output,
 * and the registry's versions and aliases. Each run is written in one transaction and keyed by
 * MLflow's run id, so importing again updates the same run and never doubles a point.
 */
export async function importMlflow(
  project: Project,
  opts: ImportOptions,
  ctx: Progress,
): Promise<MlflowImportReport> {
  const root = path.resolve(opts.folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new StrataError('NOT_FOUND', `${root} does not exist: name an mlruns folder.`, {
      where: { file: root },
    });
  }
  if (!stat.isDirectory())
    throw new StrataError('BAD_REQUEST', `${root} is not a folder: name an mlruns folder.`, {
      where: { file: root },
    });
  const problems = new ProblemList();
  const all = listExperiments(root, problems);
  const experiments = opts.experiment
    ? all.filter((e) => e.name === opts.experiment || e.id === opts.experiment)
    : all;
  if (opts.experiment && experiments.length === 0)
    throw new StrataError(
      'NOT_FOUND',
      `${root} has no experiment named ${JSON.stringify(opts.experiment)}${all.length ? `; it has ${all.map((e) => JSON.stringify(e.name)).join(', ')}` : ''}.`,
      { where: { file: root } },
    );
  if (all.length === 0 && !fs.existsSync(path.join(root, 'models')))
    throw new StrataError('BAD_REQUEST', `${root} holds no MLflow experiment (no <id>/meta.yaml).`, {
      where: { file: root },
    });

  const report: MlflowImportReport = {
    folder: root,
    experiments: experiments.map((e) => e.name),
    created: 0,
    updated: 0,
    runs: [],
    deletedSkipped: 0,
    params: 0,
    tags: 0,
    points: 0,
    artifactVersions: 0,
    models: [],
    problems: problems.items,
  };
  const dirs = experiments.flatMap((e) => runDirs(e).map((dir) => ({ dir, exp: e })));
  ctx.progress(0, dirs.length);
  const artifactDirs = new Map<string, string>();
  const pool = parsers();
  const pending: Promise<ParsedRun>[] = [];
  const parse = (i: number) => {
    if (i < dirs.length) pending[i] = pool.run({ dir: dirs[i].dir, experiment: dirs[i].exp });
  };
  for (let i = 0; i < AHEAD; i++) parse(i);
  try {
    for (let i = 0; i < dirs.length; i++) {
      ctx.checkCancelled();
      parse(i + AHEAD);
      const parsed = await pending[i];
      delete pending[i];
      problems.items.push(...parsed.problems);
      const run = parsed.run;
      if (run?.deleted) report.deletedSkipped += 1;
      else if (run) {
        // One run a transaction, written on this thread between awaits: other calls are served meanwhile.
        const runId = importRun(project, parsed, run, report);
        if (run.artifactDir) {
          artifactDirs.set(run.id, run.artifactDir);
          await versionArtifacts(project, run, runId, problems, report);
        }
        opts.onRun?.(runId);
      }
      ctx.progress(i + 1, dirs.length);
    }
  } finally {
    // A cancelled or failed import leaves no parse owing an answer.
    await Promise.allSettled(pending.filter(Boolean));
  }
  const imported = opts.experiment ? new Set(report.runs.map((r) => r.mlflowId)) : null;
  for (const model of listModels(root, problems)) {
    ctx.checkCancelled();
    const m = await importModel(project, root, all, model, imported, artifactDirs, problems);
    if (m) report.models.push(m);
  }
  return report;
}

function importRun(project: Project, parsed: ParsedRun, run: MlflowRun, report: MlflowImportReport): string {
  const { params, series } = parsed;
  const tags = new Map(parsed.tags);
  const name = run.name ?? tags.get('mlflow.runName') ?? run.id;
  const user = run.user ?? tags.get('mlflow.user') ?? null;
  const source = run.source ?? tags.get('mlflow.source.name') ?? null;
  const commit = run.gitCommit ?? tags.get('mlflow.source.git.commit') ?? null;
  const started = run.startTime ?? run.endTime ?? fs.statSync(run.dir).mtimeMs;
  const status = STATUS[run.status];
  const extra: [string, string][] = [
    ['import.source', SOURCE],
    ['import.mlflow.run_id', run.id],
    ['import.mlflow.experiment', run.experiment.name],
    ['import.mlflow.status', run.status],
  ];
  if (user) extra.push(['import.mlflow.user', user]);
  if (source) extra.push(['import.mlflow.source', source]);

  const db = project.db;
  let runId = '';
  db.transaction(() => {
    const known = db
      .prepare('SELECT run_id FROM imported_runs WHERE source = ? AND source_id = ?')
      .pluck()
      .get(SOURCE, run.id) as string | undefined;
    if (known) {
      runId = known;
      // Everything MLflow holds is written again below, so a run that went on logging since the
      // last import gets its new points, and nothing is there twice.
      for (const table of ['run_params', 'run_tags', 'run_metrics', 'metric_chunks'])
        db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);
      report.updated += 1;
    } else {
      runId = newRunId();
      insertRun(project, { id: runId, name, kind: 'client', status, startedAt: started });
      db.prepare('INSERT INTO imported_runs (source, source_id, run_id) VALUES (?, ?, ?)').run(
        SOURCE,
        run.id,
        runId,
      );
      report.created += 1;
    }
    db.prepare(
      'UPDATE runs SET name = ?, status = ?, started_at = ?, ended_at = ?, git_commit = ?, error = ? WHERE id = ?',
    ).run(
      name,
      status,
      started,
      run.endTime,
      commit,
      status === 'interrupted' ? `the run was ${run.status} in MLflow when it was imported` : null,
      runId,
    );
    const putParam = db.prepare('INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of params) putParam.run(runId, k, paramJson(v));
    const putTag = db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of [...tags, ...extra]) putTag.run(runId, k, v);
    const writer = new SeriesWriter(db, runId);
    for (const s of series) {
      for (let i = 0; i < s.n; i++) writer.append(s.key, s.steps[i], s.values[i], s.times[i]);
      report.points += s.n;
    }
    writer.flush();
  })();
  report.params += params.length;
  report.tags += tags.size;
  report.runs.push({ mlflowId: run.id, runId, name, experiment: run.experiment.name });
  return runId;
}

async function versionArtifacts(
  project: Project,
  run: MlflowRun,
  runId: string,
  problems: ProblemList,
  report: MlflowImportReport,
): Promise<void> {
  if (fs.readdirSync(run.artifactDir!).length === 0) return;
  const rel = runArtifactPath(run.experiment.id, run.id);
  try {
    const v = await recordVersion(project, {
      path: rel,
      kind: 'other',
      source: 'run',
      runId,
      message: `artifacts of MLflow run ${run.id}`,
      from: run.artifactDir!,
      reuseAnyVersion: true,
    });
    link(project, runId, v.id, 'out', IMPORT_STAGE, rel);
    report.artifactVersions += 1;
  } catch (err) {
    problems.add(run.artifactDir!, `artifacts were not versioned: ${(err as Error).message}`);
  }
}

/** The local folder holding a model version's files: runs:/<id>/<path>, models:/<model id>, or a file URI. */
function modelFolder(
  root: string,
  experiments: MlflowExperiment[],
  source: string,
  artifactDirs: Map<string, string>,
): string | null {
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (runs) {
    const base =
      artifactDirs.get(runs[1]) ??
      experiments.map((e) => path.join(e.dir, runs[1], 'artifacts')).find((d) => fs.existsSync(d));
    return base ? path.join(base, runs[2]) : null;
  }
  const logged = /^models:\/(m-[^/]+)\/?$/.exec(source);
  if (logged)
    return (
      experiments
        .map((e) => path.join(e.dir, 'models', logged[1], 'artifacts'))
        .find((d) => fs.existsSync(d)) ?? null
    );
  const local = localUri(source);
  return local ? path.resolve(root, local) : null;
}

async function importModel(
  project: Project,
  root: string,
  experiments: MlflowExperiment[],
  model: MlflowModel,
  onlyRuns: Set<string> | null,
  artifactDirs: Map<string, string>,
  problems: ProblemList,
): Promise<ImportedModel | null> {
  const versions = onlyRuns ? model.versions.filter((v) => v.runId && onlyRuns.has(v.runId)) : model.versions;
  if (versions.length === 0) return null;
  const out: ImportedModel = { name: model.name, versions: [], aliases: [] };
  const rel = `models/${model.name}`;
  for (const v of versions) {
    const from = v.source ? modelFolder(root, experiments, v.source, artifactDirs) : null;
    if (!from || !fs.existsSync(from)) {
      problems.add(
        path.join(v.dir, 'meta.yaml'),
        `version ${v.version}'s files (${v.source ?? 'no source'}) are not in this folder; the version was not imported`,
      );
      continue;
    }
    const runId = v.runId
      ? ((project.db
          .prepare('SELECT run_id FROM imported_runs WHERE source = ? AND source_id = ?')
          .pluck()
          .get(SOURCE, v.runId) as string | undefined) ?? null)
      : null;
    try {
      const recorded = await recordVersion(project, {
        path: rel,
        name: model.name,
        kind: 'model',
        source: 'run',
        runId,
        message: `MLflow ${model.name} version ${v.version}`,
        from,
        reuseAnyVersion: true,
      });
      if (runId) link(project, runId, recorded.id, 'out', IMPORT_STAGE, rel);
      out.versions.push({ mlflow: v.version, version: recorded.version });
    } catch (err) {
      problems.add(
        path.join(v.dir, 'meta.yaml'),
        `version ${v.version} was not versioned: ${(err as Error).message}`,
      );
    }
  }
  for (const [alias, number] of model.aliases) {
    const target = out.versions.find((v) => v.mlflow === number);
    if (!target) continue;
    try {
      setAlias(project, model.name, String(target.version), alias);
      out.aliases.push({ alias, version: target.version });
    } catch (err) {
      problems.add(path.join(root, 'models', model.name, 'aliases', alias), (err as Error).message);
    }
  }
  return out;
}
