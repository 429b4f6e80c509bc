import { z } from 'zod';
import { returns } from './define.js';
import type { CodeState } from './runs.js';

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
  /** the run's code as the bundle records it: its commit, and the uncommitted change it carries */
  code: CodeState | null;
  diff: { files: number; added: number; deleted: number; bytes: number } | null;
}

export interface BundleDiffFile {
  path: string;
  added: number;
  deleted: number;
  /** git names a changed binary file without its content */
  binary: boolean;
}

/** A bundle opened for review: verified, extracted read-only into `folder`, and what it says. */
export interface BundleReview {
  file: string;
  /** the extracted copy (files read-only), kept until later reviews push it out */
  folder: string;
  /** every checksum and the signature; a bundle opens for review with an unknown or no signer, shown here */
  verify: BundleVerifyReport;
  createdAt: string | null;
  createdBy: string | null;
  model: { name: string; version: number; rootHash: string; type: string; path: string };
  files: { path: string; size: number; sha256: string }[];
  run: {
    id: string;
    name: string;
    kind: string;
    status: string;
    startedAt: number;
    endedAt: number | null;
  } | null;
  code: CodeState | null;
  /** the run's uncommitted change, carried whole in the bundle; text is its first 256 KiB */
  diff: {
    path: string;
    bytes: number;
    sha256: string;
    files: BundleDiffFile[];
    added: number;
    deleted: number;
    text: string;
    truncated: boolean;
  } | null;
  /** the untracked files the run ran with, carried under code/untracked/; path as in the project */
  untracked: { path: string; bytes: number; sha256: string }[];
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  /** the versions the run read, once each, with the stages that read them */
  datasets: { artifact: string; version: number; rootHash: string; path: string; stages: string[] }[];
  environment: {
    python: string | null;
    node: string | null;
    os: string | null;
    packages: string[];
    lockFiles: { name: string; sha256: string; bytes: number }[];
  } | null;
  gates: {
    status: string;
    gates: { label: string; status: string; message: string }[];
    overrides: { alias: string; who: string; reason: string }[];
  } | null;
  validation: {
    artifact: string;
    version: number;
    name: string;
    status: string;
    at: string;
    counts: { passed: number; warned: number; failed: number; errors: number } | null;
  }[];
  referenceStatistics: {
    artifact: string;
    version: number;
    file: string;
    rows: number | null;
    columns: number | null;
    error: string | null;
  }[];
  inputExample: { rows: number; source: string } | null;
  /** files of the bundle whose content is not what this Strata expects (named, not guessed at) */
  unreadable: string[];
}

/** A version of this project that came from a bundle: where from, who signed it, and its lineage there. */
export interface BundleImportRecord {
  version: number;
  /** the bundle's file name (null for an import recorded before names were kept) */
  file: string | null;
  bundleSha256: string;
  /** model@version in the project the bundle was exported from */
  origin: string;
  /** the signer's key fingerprint; null: the bundle was not signed */
  signer: string | null;
  importedAt: string;
  /**
   * The lineage the bundle carried, read-only: its run ran in the project the bundle came from, not
   * here, so it cannot be reproduced from this one. null with `lineageProblem` when it cannot be read.
   */
  lineage: Pick<BundleReview, 'run' | 'code' | 'params' | 'metrics' | 'datasets'> | null;
  lineageProblem: string | null;
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
  /**
   * Opens a bundle for review without a project: verified, extracted safely into a read-only review
   * folder, and summarised (lineage, code and diff, params, data, environment, checks, signature).
   */
  'bundle.review': {
    params: z.object({ file: z.string().min(1) }).strict(),
    result: returns<BundleReview>(),
  },
  /** bundle.review as one self-contained HTML file, for a reviewer to keep or pass on. */
  'bundle.reviewHtml': {
    params: z.object({ file: z.string().min(1) }).strict(),
    result: returns<{ html: string; fileName: string }>(),
  },
  /** The artifact's versions that came from bundles, oldest import first (one row per import). */
  'bundle.imports': {
    params: z.object({ artifact: z.string().min(1) }).strict(),
    result: returns<BundleImportRecord[]>(),
  },
  /** Verifies, extracts safely into .strata/ and adds the model version to the project (a job). */
  'bundle.import': {
    params: z.object({ file: z.string().min(1) }).strict(),
    result: returns<{ jobId: string }>(),
  },
};
