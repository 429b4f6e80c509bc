import { z } from 'zod';
import { returns } from './define.js';
import type { StrataErrorData } from '../errors.js';

export type FolderState =
  | { kind: 'project' }
  | { kind: 'not-project' }
  | { kind: 'missing' }
  | { kind: 'not-directory' }
  | { kind: 'unreadable'; message: string };

export interface ProjectSummary {
  root: string;
  name: string;
  dbPath: string;
  /** How many migrations the database has (rows of applied_migrations). */
  schemaMigrations: number;
  readOnly: boolean;
  /** Set when strata.yaml was edited into something invalid while the project was open. */
  configError: StrataErrorData | null;
  config: {
    artifacts: number;
    stages: number;
    validations: number;
    monitors: number;
    targets: number;
    source: 'strata.yaml' | 'dvc.yaml' | 'none';
  };
}

export interface ProjectStatus extends ProjectSummary {
  journalMode: string;
  objects: { count: number; bytes: number };
  counts: Record<string, number>;
}

const pathParam = z.object({ path: z.string().min(1, 'a folder path is required') }).strict();

export const projectCalls = {
  'project.inspect': { params: pathParam, result: returns<FolderState>() },
  'project.open': {
    /** readOnly: review mode, nothing is written into the folder (see docs/reproduce.md) */
    params: z
      .object({ path: z.string().min(1, 'a folder path is required'), readOnly: z.boolean().default(false) })
      .strict(),
    result: returns<ProjectSummary>(),
  },
  'project.init': { params: pathParam, result: returns<ProjectSummary>() },
  'project.close': { params: z.object({}).strict(), result: returns<null>() },
  'project.current': { params: z.object({}).strict(), result: returns<ProjectSummary | null>() },
  'project.status': { params: z.object({}).strict(), result: returns<ProjectStatus>() },
  'project.scan': { params: z.object({}).strict(), result: returns<{ jobId: string }>() },
};
