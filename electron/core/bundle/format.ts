// The deploy bundle: one tar file. strata-bundle.json (the manifest: every other file's sha256 and
// size, the model, its lineage and environment) comes first, the files follow, and a signed bundle
// ends with strata-bundle.sig (an Ed25519 signature over the manifest's bytes).
import { StrataError } from '../../../shared/errors.js';

export const MANIFEST_NAME = 'strata-bundle.json';
export const SIGNATURE_NAME = 'strata-bundle.sig';
export const BUNDLE_FORMAT = 'strata-bundle-1';
/** The uncommitted change the model's run ran with, as stored with the run (runs/code-state.ts). */
export const DIFF_NAME = 'code/diff.patch';
/** The untracked files the run's code state kept (within its caps), each under this folder by its path. */
export const UNTRACKED_DIR = 'code/untracked/';

export interface BundleFile {
  path: string;
  size: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  createdBy: string;
  model: { name: string; version: number; rootHash: string; type: 'file' | 'dir'; path: string };
  /** every file of the bundle but this manifest and the signature */
  files: BundleFile[];
}

export interface BundleSignature {
  alg: 'ed25519';
  /** the signer's public key, SPKI DER in base64 */
  publicKey: string;
  /** over the manifest's bytes, base64 */
  signature: string;
}

/** What an archive may hold, checked on every entry before its data is read or anything written. */
export interface Limits {
  maxEntries: number;
  maxTotalBytes: number;
  maxPathBytes: number;
  maxDepth: number;
  /** a compressed bundle may expand this many times its size (past the first 64 MiB) */
  maxRatio: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEntries: 10_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxPathBytes: 1024,
  maxDepth: 32,
  maxRatio: 100,
};

export const RATIO_FLOOR = 64 * 1024 * 1024;

export function refuse(file: string, reason: string): never {
  throw new StrataError('BUNDLE_INVALID', `${file} is refused: ${reason}`);
}

/**
 * Why an entry's name is unsafe, or null: it must be a relative path of plain segments, the same
 * on every system (no drive letters, backslashes, `..`, empty or `.` segments, control characters).
 */
export function pathProblem(name: string, limits: Limits): string | null {
  const shown = JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
  if (name === '') return 'an entry has an empty name';
  if (Buffer.byteLength(name) > limits.maxPathBytes)
    return `the entry ${shown} has a name longer than ${limits.maxPathBytes} bytes`;
  if (name.startsWith('/')) return `the entry ${shown} is an absolute path`;
  if (/^[A-Za-z]:/.test(name)) return `the entry ${shown} starts with a drive letter`;
  if (name.includes('\\')) return `the entry ${shown} has a Windows separator (\\)`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return `the entry ${shown} has a control character in its name`;
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.length > limits.maxDepth)
    return `the entry ${shown} is nested ${parts.length} levels deep (at most ${limits.maxDepth})`;
  if (parts.includes('..')) return `the entry ${shown} climbs out with ..`;
  if (parts.some((p) => p === '' || p === '.')) return `the entry ${shown} has an empty or . segment`;
  return null;
}
