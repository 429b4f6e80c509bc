import { z } from 'zod';
import { returns } from './define.js';
import type { GateReport } from './gates.js';

export type TargetType = 'http' | 'folder' | 'command';

/** A deployment's state: at most one per target is active (serving, or the folder's current model). */
export type DeploymentStatus = 'deploying' | 'active' | 'failed' | 'replaced' | 'stopped';

export interface Deployment {
  id: number;
  target: string;
  type: TargetType;
  model: string;
  version: number;
  status: DeploymentStatus;
  /** deploy, or rollback (to an earlier deployment: rollbackOf) */
  action: 'deploy' | 'rollback';
  rollbackOf: number | null;
  who: string;
  startedAt: string;
  endedAt: string | null;
  /** why it failed, stopped or was rolled back; what the folder or command did */
  message: string | null;
  /** http: where it answers */
  url: string | null;
  port: number | null;
  pid: number | null;
  /** http: which server answers (python, onnx or the user's command) */
  server: string | null;
  keepRunning: boolean;
  /** the recorded reason when a failing gate was overridden */
  override: string | null;
}

export interface TargetInfo {
  name: string;
  type: TargetType;
  /** what the target points at, for people: a URL, a folder, a command */
  where: string;
  current: Deployment | null;
  /** http: `keep_running:` in strata.yaml, what a deploy does when it does not say (the Deploy dialog's default) */
  keepRunning: boolean | null;
  /** http: whether the service answers its health check now */
  health: 'healthy' | 'unhealthy' | 'stopped' | null;
  /** http: the service's own counters, when it answers */
  stats: { requests: number; errors: number; p50Ms: number | null; p99Ms: number | null } | null;
}

export interface DeployResult {
  deployment: Deployment;
  gates: GateReport;
}

const spec = z.string().min(1, 'give <model>@<version>');
const targetName = z.string().min(1, 'give a target name');

export const deployCalls = {
  /** Deploys a model version to a target (a job): gates, copy, start, health check, smoke test; rolls back on failure. */
  'deploy.start': {
    params: z
      .object({
        target: targetName,
        model: spec,
        /** a reason to deploy past failing gates; recorded */
        override: z.string().optional(),
        /** http: leave the service up when the app quits (default: the target's keep_running:) */
        keepRunning: z.boolean().optional(),
      })
      .strict(),
    result: returns<{ jobId: string }>(),
  },
  /** Every target in strata.yaml with what is deployed there now and its health. */
  'deploy.targets': { params: z.object({}).strict(), result: returns<TargetInfo[]>() },
  /** Deployment history, newest first; of one target when given. */
  'deploy.history': {
    params: z
      .object({ target: z.string().optional(), limit: z.number().int().positive().optional() })
      .strict(),
    result: returns<Deployment[]>(),
  },
  /** Puts an earlier deployment's version back (the one before the current by default); a job. */
  'deploy.rollback': {
    params: z.object({ target: targetName, to: z.number().int().positive().optional() }).strict(),
    result: returns<{ jobId: string }>(),
  },
  /** Stops what a target serves (http) or marks it undeployed; the history stays. */
  'deploy.stop': { params: z.object({ target: targetName }).strict(), result: returns<Deployment>() },
};

export interface ServeInfo {
  pid: number;
  url: string;
  port: number;
  server: string;
  /** what it serves: model@version, or the bundle's model@version */
  serving: string;
  /** the server's own output */
  outputFile: string;
}

export const serveCalls = {
  /** Starts a prediction service for a model version or a bundle file (no project needed), not recorded as a deployment. */
  'serve.start': {
    params: z
      .object({
        model: z.string().min(1).optional(),
        bundle: z.string().min(1).optional(),
        port: z.number().int().min(0).max(65535).optional(),
        python: z.string().min(1).optional(),
        logs: z.string().min(1).optional(),
      })
      .strict()
      .refine((p) => !!p.model !== !!p.bundle, 'give a model version or a bundle file'),
    result: returns<ServeInfo>(),
  },
  /** Stops a service serve.start started in this engine. */
  'serve.stop': {
    params: z.object({ pid: z.number().int().positive() }).strict(),
    result: returns<{ stopped: boolean }>(),
  },
};
