import path from 'node:path';
import type { BundleVerifyReport } from '../../../shared/api/bundle.js';
import type { Limits } from './format.js';
import { fingerprint, signatureValid, trustedKeys } from './keys.js';
import { contentProblems, readBundle, type ReadResult } from './read.js';

export function signatureOf(r: ReadResult): BundleVerifyReport['signature'] {
  if (!r.signature) return { status: 'unsigned', fingerprint: null };
  const fp = fingerprint(r.signature.publicKey);
  if (
    r.signature.alg !== 'ed25519' ||
    !signatureValid(r.manifestBytes, r.signature.publicKey, r.signature.signature)
  )
    return { status: 'invalid', fingerprint: fp };
  return { status: trustedKeys().has(r.signature.publicKey) ? 'trusted' : 'unknown-key', fingerprint: fp };
}

export function reportOf(file: string, r: ReadResult): BundleVerifyReport {
  const problems = contentProblems(r);
  const signature = signatureOf(r);
  if (signature.status === 'invalid')
    problems.push('the signature does not match the manifest (tampered, or not made for it)');
  if (signature.status === 'unknown-key')
    problems.push(
      `it is signed by an unknown key (${signature.fingerprint}); trust it by adding its public key to the trusted-keys folder`,
    );
  return {
    file: path.resolve(file),
    sha256: r.bundleSha256,
    model: {
      name: r.manifest.model?.name,
      version: r.manifest.model?.version,
      rootHash: r.manifest.model?.rootHash,
    },
    files: r.files.size,
    bytes: [...r.files.values()].reduce((s, f) => s + f.size, 0),
    signature,
    problems,
    ok: problems.length === 0,
  };
}

/** Reads the whole bundle once, hashing every file, and writes nothing. */
export async function verifyBundle(file: string, limits?: Limits): Promise<BundleVerifyReport> {
  return reportOf(file, await readBundle(file, { limits }));
}
