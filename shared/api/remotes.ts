import { z } from 'zod';
import { returns } from './define.js';

export interface RemoteInfo {
  name: string;
  type: 's3' | 'folder';
  /** s3://bucket/prefix at endpoint, or the folder */
  where: string;
}

export interface RemoteStatus extends RemoteInfo {
  /** null when the remote answered; else why it could not be read */
  error: string | null;
  /** versions as artifact@number */
  onlyHere: string[];
  onlyThere: string[];
  both: number;
  /** the same artifact@number with other contents on each side */
  conflicts: string[];
  objects: number;
  bytes: number;
}

export interface TransferReport {
  remote: string;
  /** versions written to the other side, as artifact@number */
  versions: string[];
  /** contents transferred, and contents the other side already had */
  contents: number;
  skipped: number;
  /** bytes sent (or received) this time */
  bytes: number;
  /** bytes an interrupted upload had already sent, which this push did not send again */
  resumed: number;
  packs: number;
}

/** A checkout that needs contents this store lacks: what the remote that has them would send. */
export interface RemoteCheckout {
  /** artifact@number */
  version: string;
  rootHash: string;
  /** the remote's name in strata.yaml */
  remote: string;
  /** contents this store lacks, and their bytes */
  contents: number;
  bytes: number;
  /** the version is recorded here (its contents are not), or known only to the remote */
  recorded: boolean;
}

const transfer = z
  .object({
    /** the remote's name in strata.yaml; default: the only one, or "origin" */
    remote: z.string().min(1).optional(),
    /** artifact@number (or a bare artifact: its latest); empty with all: every version */
    versions: z.array(z.string().min(1)).default([]),
    all: z.boolean().default(false),
  })
  .strict();

export const remoteCalls = {
  'remotes.list': { params: z.object({}).strict(), result: returns<RemoteInfo[]>() },
  'remotes.status': {
    params: z.object({ remote: z.string().min(1).optional() }).strict(),
    result: returns<RemoteStatus[]>(),
  },
  /** A job (progress in bytes) whose result is a TransferReport. */
  'remotes.push': { params: transfer, result: returns<{ jobId: string }>() },
  'remotes.pull': { params: transfer, result: returns<{ jobId: string }>() },
};
