import path from 'node:path';
import type { ImportProblem } from '../../../shared/api/imports.js';
import { serveWorker } from '../jobs/worker.js';
import {
  metricFiles,
  ProblemList,
  readMetric,
  readRun,
  readValues,
  type MetricSeries,
  type MlflowExperiment,
  type MlflowRun,
} from './mlflow-files.js';

export interface ParseRunInput {
  dir: string;
  experiment: MlflowExperiment;
}

/** One run folder read and parsed; run is null when its meta.yaml is unusable (then problems say why). */
export interface ParsedRun {
  run: MlflowRun | null;
  params: [string, string][];
  tags: [string, string][];
  series: MetricSeries[];
  problems: ImportProblem[];
}

/** Reads a whole run folder: parsing its metric files is most of an import, done here off the engine's thread. */
export function parseRun({ dir, experiment }: ParseRunInput): ParsedRun {
  const problems = new ProblemList();
  const run = readRun(dir, experiment, problems);
  if (!run || run.deleted) return { run, params: [], tags: [], series: [], problems: problems.items };
  return {
    run,
    params: readValues(path.join(dir, 'params'), problems),
    tags: readValues(path.join(dir, 'tags'), problems),
    series: metricFiles(dir)
      .map(([key, file]) => readMetric(key, file, problems))
      .filter((s) => s !== null),
    problems: problems.items,
  };
}

serveWorker(parseRun);
