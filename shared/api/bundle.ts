import { z } from 'zod';
import { returns } from './define.js';

export interface BundleVerifyReport {
  file: string;
  /** the bundle file's own sha256, when asked for (import records it) */
  sha256: string | null;
  model: { name: string; version: number; rootHash: string } | null;
  files: number;
  bytes: number;
  signature: { status: 'unsigned' | 'trusted' | 'unknown-key' | 'invalid'; fingerprint: string | null };
  /** every checksum, size and listing problem found; empty when the bundle is whole */
  problems: string[];
  ok: boolean;
}

export interface BundleExportResult {
  file: string;
  bytes: number;
  files: number;
  signed: boolean;
}

export interface BundleImportResult {
  model: string;
  version: number;
  /** true when the project already had this content: no new version was made */
  existing: boolean;
  signature: BundleVerifyReport['signature'];
}

export const bundleCalls = {
  /** Writes a model version with its lineage, environment, gates and input example into one file (a job). */
  'bundle.export': {
    params: z
      .object({ model: z.string().min(1), out: z.string().min(1), sign: z.boolean().optional() })
      .strict(),
    result: returns<{ jobId: string }>(),
  },
  /** Checks every checksum and the manifest's completeness (and a signature) without extracting; no project needed. */
  'bundle.verify': {
    params: z.object({ file: z.string().min(1) }).strict(),
    result: returns<BundleVerifyReport>(),
  },
  /** Verifies, extracts safely into .strata/ and adds the model version to the project (a job). */
  'bundle.import': {
    params: z.object({ file: z.string().min(1) }).strict(),
    result: returns<{ jobId: string }>(),
  },
};
