import { z } from 'zod';
import { returns } from './define.js';

/** A file of the imported folder that could not be read as MLflow writes it; the rest was imported. */
export interface ImportProblem {
  /** absolute path of the file or folder, with :line for a bad line of a metric file */
  path: string;
  message: string;
}

export interface ImportedModel {
  name: string;
  /** MLflow's version number → the Strata version of models/<name> it became */
  versions: { mlflow: number; version: number }[];
  aliases: { alias: string; version: number }[];
}

export interface MlflowImportReport {
  folder: string;
  experiments: string[];
  /** runs recorded for the first time, and runs imported before that were brought up to date */
  created: number;
  updated: number;
  /** every imported run: MLflow's run id → Strata's */
  runs: { mlflowId: string; runId: string; name: string; experiment: string }[];
  /** runs MLflow marks deleted (lifecycle_stage deleted, or in .trash): left out */
  deletedSkipped: number;
  params: number;
  tags: number;
  points: number;
  artifactVersions: number;
  models: ImportedModel[];
  problems: ImportProblem[];
}

export const importCalls = {
  /** Starts a job importing an MLflow file store (an mlruns folder); the job's result is a MlflowImportReport. */
  'import.mlflow': {
    params: z
      .object({
        folder: z.string().min(1),
        /** only the experiment with this name (or id) */
        experiment: z.string().min(1).optional(),
      })
      .strict(),
    result: returns<{ jobId: string }>(),
  },
};
