import { z } from 'zod';
import { returns } from './define.js';

export type CtTriggerKind = 'dataset' | 'drift' | 'schedule' | 'manual';
export type CtStepName = 'validate' | 'run' | 'evaluate' | 'gates' | 'approval' | 'promote' | 'deploy';
export type CtStepStatus = 'pending' | 'running' | 'waiting' | 'passed' | 'failed' | 'skipped' | 'cancelled';
/**
 * unchanged: the run found every stage up to date, so there was no new model to judge;
 * rejected: gates failed or a person rejected it; interrupted: its process ended mid-cycle.
 */
export type CtCycleStatus =
  'running' | 'waiting' | 'succeeded' | 'unchanged' | 'failed' | 'rejected' | 'cancelled' | 'interrupted';

export interface CtTrigger {
  kind: CtTriggerKind;
  /** for people: "customers@4", "monitor churn, window 12", "0 3 * * *", "ana" */
  detail: string;
  at: string;
}

export interface CtStepLinks {
  validation?: number[];
  runId?: string;
  /** model@version */
  model?: string;
  gates?: string;
  alias?: { name: string; from: number | null; to: number };
  deployments?: number[];
}

export interface CtStep {
  name: CtStepName;
  status: CtStepStatus;
  startedAt: string | null;
  durationMs: number | null;
  message: string | null;
  links: CtStepLinks;
  /** evaluate: the new model version's metrics */
  metrics?: Record<string, number>;
}

export interface CtCycle {
  id: number;
  trigger: CtTriggerKind;
  /** the triggers it answered: the first and those that coalesced into it */
  triggers: CtTrigger[];
  reason: string;
  status: CtCycleStatus;
  step: CtStepName | null;
  steps: CtStep[];
  outcome: string | null;
  model: string | null;
  version: number | null;
  decidedBy: string | null;
  startedAt: string;
  endedAt: string | null;
}

export interface CtChampion {
  model: string;
  alias: string;
  version: number;
  at: string;
  /** the cycle that promoted it; null when a person moved the alias */
  cycle: number | null;
  /** the dataset versions its run read */
  data: string[];
  metrics: Record<string, number>;
}

export interface CtStatus {
  /** null: strata.yaml has no ct: */
  policy: CtPolicyInfo | null;
  /** the policy cannot be used: its error, with file:line */
  error: { message: string; file?: string; line?: number } | null;
  paused: boolean;
  /** whether a loop runs for this project now (the app or `strata ct watch`) */
  watching: boolean;
  /** triggers waiting for the running cycle, or for the hourly limit */
  pending: CtTrigger[];
  cyclesLastHour: number;
}

export interface CtPolicyInfo {
  /** the policy in words, one sentence per line */
  words: string[];
  datasets: string[];
  monitors: string[];
  schedule: string | null;
  model: string | null;
  promote: string | null;
  deploy: string[];
  approval: 'none' | 'promote' | 'deploy';
  maxCyclesPerHour: number;
}

const cycleId = z.number().int().positive();

export const ctCalls = {
  'ct.status': { params: z.object({}).strict(), result: returns<CtStatus>() },
  /** Cycles, newest first. */
  'ct.cycles': {
    params: z.object({ limit: z.number().int().positive().max(1000).default(50) }).strict(),
    result: returns<CtCycle[]>(),
  },
  'ct.cycle': { params: z.object({ id: cycleId }).strict(), result: returns<CtCycle>() },
  /** Starts a cycle now (a job, cancellable from the jobs tray); even when paused. */
  'ct.run': {
    params: z.object({ who: z.string().min(1).max(200).optional() }).strict(),
    result: returns<{ jobId: string; cycleId: number }>(),
  },
  /** Decides a cycle waiting for approval; the loop running it (in any process) goes on or stops. */
  'ct.approve': {
    params: z.object({ id: cycleId, who: z.string().min(1).max(200).optional() }).strict(),
    result: returns<CtCycle>(),
  },
  'ct.reject': {
    params: z.object({ id: cycleId, who: z.string().min(1).max(200).optional() }).strict(),
    result: returns<CtCycle>(),
  },
  /** Paused: triggers are ignored (manual cycles still run). */
  'ct.pause': { params: z.object({}).strict(), result: returns<CtStatus>() },
  'ct.resume': { params: z.object({}).strict(), result: returns<CtStatus>() },
  /** The promoted alias's history across cycles: which model, which data, which metrics. */
  'ct.champions': { params: z.object({}).strict(), result: returns<CtChampion[]>() },
};
