// The local Ed25519 key that signs bundles, and the public keys whose signatures are trusted.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appDataDir } from '../app/paths.js';
import { writeFileAtomic } from '../app/atomic.js';

function keysDir(): string {
  return path.join(appDataDir(), 'keys');
}

/** The signing key, made on first use (private key readable by the user only). */
export function signingKey(): { privateKey: crypto.KeyObject; publicKey: string } {
  const file = path.join(keysDir(), 'bundle-ed25519.pem');
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    fs.mkdirSync(keysDir(), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
  const publicKey = crypto
    .createPublicKey(privateKey)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  return { privateKey, publicKey };
}

/** A short, stable name of a public key for messages: the first 16 hex digits of its sha256. */
export function fingerprint(publicKey: string): string {
  return crypto.createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);
}

/** Keys trusted here: this machine's own, and those added to <app data>/trusted-keys/ (one base64 SPKI per file). */
export function trustedKeys(): Set<string> {
  const out = new Set<string>();
  const own = path.join(keysDir(), 'bundle-ed25519.pem');
  if (fs.existsSync(own)) out.add(signingKey().publicKey);
  const dir = path.join(appDataDir(), 'trusted-keys');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    out.add(fs.readFileSync(path.join(dir, name), 'utf8').trim());
  return out;
}

export function trustKey(publicKey: string): string {
  const fp = fingerprint(publicKey);
  const dir = path.join(appDataDir(), 'trusted-keys');
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, `${fp}.pub`), publicKey + '\n');
  return fp;
}

export function sign(manifest: Buffer): { publicKey: string; signature: string } {
  const { privateKey, publicKey } = signingKey();
  return { publicKey, signature: crypto.sign(null, manifest, privateKey).toString('base64') };
}

export function signatureValid(manifest: Buffer, publicKey: string, signature: string): boolean {
  try {
    const key = crypto.createPublicKey({
      key: Buffer.from(publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return crypto.verify(null, manifest, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
