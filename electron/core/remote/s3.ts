import fs from 'node:fs';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { StrataError } from '../../../shared/errors.js';
import type { RemoteConfig } from './config.js';
import type { Transport } from './transport.js';

type S3Remote = Extract<RemoteConfig, { type: 's3' }>;

/** Parts of a multipart upload; four in flight keep a link busy without holding much memory. */
const PART_SIZE = 16 << 20;
const PARTS_IN_FLIGHT = 4;

const AUTH_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'InvalidClientTokenId',
]);
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

/** The SDK's error as one line that names the remote and says what to do. */
export function s3Error(label: string, err: unknown, key?: string): StrataError {
  if (err instanceof StrataError) return err;
  const e = err as Error & { Code?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const what = key ? ` (${key})` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(e.message))
    return new StrataError(
      'UNAUTHORIZED',
      `${label}: no credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add the profile to ~/.aws/credentials`,
      { cause: err },
    );
  if (AUTH_ERRORS.has(name) || status === 403)
    return new StrataError(
      'UNAUTHORIZED',
      `${label} refused the credentials${what}: ${name}${e.message && e.message !== name ? ` (${e.message})` : ''}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the shared credentials file`,
      { cause: err },
    );
  if (name === 'NoSuchBucket')
    return new StrataError('REMOTE_FAILED', `${label}: the bucket does not exist`, { cause: err });
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  if ((code && NETWORK_ERRORS.has(code)) || name === 'TimeoutError')
    return new StrataError('REMOTE_FAILED', `${label} cannot be reached: ${code ?? e.message}`, {
      cause: err,
    });
  return new StrataError('REMOTE_FAILED', `${label}${what}: ${name}${e.message ? `: ${e.message}` : ''}`, {
    cause: err,
  });
}

export function s3Transport(name: string, cfg: S3Remote): Transport {
  // The SDK warns on every process under Node 20 about its releases of 2027; Strata pins its
  // version, so the warning tells a user nothing they can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const prefix = cfg.prefix.replace(/^\/+|\/+$/g, '');
  const base = prefix ? `${prefix}/` : '';
  const label = `remote "${name}" (s3://${cfg.bucket}/${prefix}${cfg.endpoint ? ` at ${cfg.endpoint}` : ''})`;
  const client = new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.path_style,
    profile: cfg.profile,
    // Every content is checked against its sha256 on the way in; the SDK's default CRC32 headers are
    // not understood by every S3-compatible server (Swift's s3api among them).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // An unreachable endpoint should be reported in seconds, not after the default back-off.
    maxAttempts: 2,
  });
  const wrap = async <T>(key: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw s3Error(label, err, key);
    }
  };

  return {
    label,
    list: (signal) =>
      wrap(undefined, async () => {
        const out = new Map<string, number>();
        let token: string | undefined;
        do {
          const page: ListObjectsV2CommandOutput = await client.send(
            new ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: base, ContinuationToken: token }),
            { abortSignal: signal },
          );
          for (const o of page.Contents ?? []) if (o.Key) out.set(o.Key.slice(base.length), o.Size ?? 0);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return out;
      }),
    read: (key, signal) =>
      wrap(key, async () => {
        const r = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: base + key }), {
          abortSignal: signal,
        });
        return Buffer.from(
          await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
      }),
    stream: (key, signal) =>
      wrap(key, async () => {
        const r = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: base + key }), {
          abortSignal: signal,
        });
        return r.Body as AsyncIterable<Uint8Array>;
      }),
    writeBuffer: (key, data, signal) =>
      wrap(key, async () => {
        await client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key: base + key, Body: data }), {
          abortSignal: signal,
        });
      }),
    writeFile: (key, file, size, onBytes, signal) =>
      wrap(key, async () => {
        if (size <= PART_SIZE) {
          await client.send(
            new PutObjectCommand({ Bucket: cfg.bucket, Key: base + key, Body: fs.readFileSync(file) }),
            { abortSignal: signal },
          );
          onBytes(size);
          return;
        }
        const upload = new Upload({
          client,
          params: {
            Bucket: cfg.bucket,
            Key: base + key,
            Body: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
          },
          partSize: PART_SIZE,
          queueSize: PARTS_IN_FLIGHT,
          // A failed upload's parts are aborted, so nothing half-written stays billed in the bucket.
          leavePartsOnError: false,
        });
        let sent = 0;
        upload.on('httpUploadProgress', (p) => {
          if (p.loaded !== undefined && p.loaded > sent) {
            onBytes(p.loaded - sent);
            sent = p.loaded;
          }
        });
        const stop = () => void upload.abort();
        signal.addEventListener('abort', stop, { once: true });
        try {
          await upload.done();
        } finally {
          signal.removeEventListener('abort', stop);
        }
        if (sent < size) onBytes(size - sent);
      }),
  };
}
