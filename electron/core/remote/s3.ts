import fs from 'node:fs';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ListObjectsV2CommandOutput,
  type ListPartsCommandOutput,
} from '@aws-sdk/client-s3';
import { StrataError } from '../../../shared/errors.js';
import type { RemoteConfig } from './config.js';
import { eachLimit } from './parallel.js';
import type { Transport } from './transport.js';
import type { SavedUpload, UploadJournal } from './uploads.js';

type S3Remote = Extract<RemoteConfig, { type: 's3' }>;

/** Parts of a multipart upload; four in flight keep a link busy without holding much memory. */
export const PART_SIZE = 16 << 20;
const PARTS_IN_FLIGHT = 4;
/**
 * A part's body is handed to the socket in slices of this size and each slice is counted as it
 * goes, so the jobs tray moves within a part on a slow uplink: 64 events per 16 MiB part.
 */
const PROGRESS_SLICE = 256 << 10;
/** An upload left this long is given up (aborted, so its parts stop costing storage) and begun again. */
const STALE_UPLOAD_MS = 7 * 24 * 3600_000;

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

/**
 * Sends `command`'s Buffer body as slices counted as the socket takes them. It works at the last
 * step before sending, after signing (so the payload is still signed by its hash, as a Buffer) and
 * per attempt (so a retry sends the whole body again); a retry counts only what it sends beyond the
 * furthest an earlier attempt got. The last byte is held back: `rest()`, called once the server has
 * answered, is what is left to count, so the bytes counted add up to `len` only for an acknowledged
 * body (a part counted whole is one a resumed push will not send again).
 */
function countSent<C extends UploadPartCommand | PutObjectCommand>(
  command: C,
  len: number,
  onBytes: (n: number) => void,
): { command: C; rest: () => number } {
  let counted = 0;
  // Only the raw request is touched, which is the same for both commands' stacks.
  (command.middlewareStack as PutObjectCommand['middlewareStack']).add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown };
      const body = request.body;
      if (!Buffer.isBuffer(body)) return next(args);
      const slices = Readable.from(
        (function* () {
          for (let off = 0; off < body.length; off += PROGRESS_SLICE) {
            const slice = body.subarray(off, off + PROGRESS_SLICE);
            const now = Math.min(off + slice.length, len - 1);
            if (now > counted) onBytes(now - counted);
            counted = Math.max(counted, now);
            yield slice;
          }
        })(),
        { objectMode: false },
      );
      const copy = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as object, request, {
        body: slices,
      });
      return next({ ...args, request: copy });
    },
    { step: 'deserialize', name: 'strataCountSent', priority: 'low' },
  );
  return { command, rest: () => len - counted };
}

/** Where a remote's objects live, whatever it is called in strata.yaml: what its saved uploads belong to. */
export const s3Location = (cfg: S3Remote) => `s3|${cfg.endpoint ?? ''}|${cfg.bucket}`;

/**
 * An S3-compatible bucket. Large contents go up as multipart uploads of our own (not lib-storage's),
 * so that an interrupted one can be resumed: with a journal, the upload id and each acknowledged
 * part are saved, and the next attempt asks the server (ListParts) which parts it holds and sends
 * only the others.
 */
export function s3Transport(name: string, cfg: S3Remote, journal?: UploadJournal): Transport {
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
  // A request cut off by a cancel fails in many ways (AbortError, a reset socket, a cut body): all
  // of them are the cancel, reported as the signal's reason, not as a fault of the remote.
  const wrap = async <T>(key: string | undefined, signal: AbortSignal, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw s3Error(label, err, key);
    }
  };

  return {
    label,
    list: (signal) =>
      wrap(undefined, signal, async () => {
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
      wrap(key, signal, async () => {
        const r = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: base + key }), {
          abortSignal: signal,
        });
        return Buffer.from(
          await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
      }),
    stream: (key, signal) =>
      wrap(key, signal, async () => {
        const r = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: base + key }), {
          abortSignal: signal,
        });
        return r.Body as AsyncIterable<Uint8Array>;
      }),
    writeBuffer: (key, data, signal) =>
      wrap(key, signal, async () => {
        await client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key: base + key, Body: data }), {
          abortSignal: signal,
        });
      }),
    writeFile: (key, file, size, onBytes, signal) =>
      wrap(key, signal, async () => {
        if (size <= PART_SIZE) {
          const put = countSent(
            new PutObjectCommand({ Bucket: cfg.bucket, Key: base + key, Body: fs.readFileSync(file) }),
            size,
            onBytes,
          );
          await client.send(put.command, { abortSignal: signal });
          onBytes(put.rest());
          return { resumed: 0 };
        }
        return multipart(base + key, file, size, onBytes, signal);
      }),
    cleanUploads: (present, signal) =>
      wrap(undefined, signal, async () => {
        for (const u of journal?.list() ?? []) {
          const there = u.key.startsWith(base) && present.has(u.key.slice(base.length));
          if (there || Date.now() - u.startedAt > STALE_UPLOAD_MS) await giveUp(u, signal);
        }
      }),
  };

  /** Aborts an upload that will not be finished, so its parts stop costing storage, and forgets it. */
  async function giveUp(u: SavedUpload, signal: AbortSignal): Promise<void> {
    try {
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: cfg.bucket, Key: u.key, UploadId: u.uploadId }),
        { abortSignal: signal },
      );
    } catch (err) {
      // Already gone (finished, aborted, expired by a lifecycle rule): there is nothing left to abort.
      if ((err as Error).name !== 'NoSuchUpload') throw err;
    }
    journal?.drop(u.key);
  }

  /** The parts the server holds for an upload, or null when it no longer knows the upload. */
  async function listParts(u: SavedUpload, signal: AbortSignal) {
    const out = new Map<number, { etag: string; size: number }>();
    let marker: string | undefined;
    try {
      do {
        const page: ListPartsCommandOutput = await client.send(
          new ListPartsCommand({
            Bucket: cfg.bucket,
            Key: u.key,
            UploadId: u.uploadId,
            PartNumberMarker: marker,
          }),
          { abortSignal: signal },
        );
        for (const p of page.Parts ?? [])
          if (p.PartNumber && p.ETag) out.set(p.PartNumber, { etag: p.ETag, size: p.Size ?? -1 });
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (err) {
      if ((err as Error).name === 'NoSuchUpload') return null;
      throw err;
    }
    return out;
  }

  async function multipart(
    Key: string,
    file: string,
    size: number,
    onBytes: (n: number) => void,
    signal: AbortSignal,
  ): Promise<{ resumed: number }> {
    const count = Math.ceil(size / PART_SIZE);
    const partSize = (n: number) => (n < count ? PART_SIZE : size - (count - 1) * PART_SIZE);
    const done = new Map<number, string>();
    let saved = journal?.find(Key) ?? null;
    if (saved && (saved.size !== size || saved.partSize !== PART_SIZE)) {
      await giveUp(saved, signal);
      saved = null;
    }
    if (saved) {
      const listed = await listParts(saved, signal);
      if (listed === null) {
        journal?.drop(Key);
        saved = null;
      } else
        for (const [n, p] of listed)
          // A part counts only if the server's ETag and size are the ones we were given for it.
          if (n <= count && saved.parts[n] === p.etag && p.size === partSize(n)) done.set(n, p.etag);
    }
    const upload: SavedUpload = saved
      ? { ...saved, parts: Object.fromEntries(done) }
      : {
          remote: s3Location(cfg),
          key: Key,
          uploadId: (
            await client.send(new CreateMultipartUploadCommand({ Bucket: cfg.bucket, Key }), {
              abortSignal: signal,
            })
          ).UploadId!,
          partSize: PART_SIZE,
          size,
          parts: {},
          startedAt: Date.now(),
        };
    journal?.save(upload);
    let resumed = 0;
    for (const n of done.keys()) resumed += partSize(n);
    if (resumed) onBytes(resumed);

    const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
    const fh = await fs.promises.open(file, 'r');
    try {
      await eachLimit(
        todo,
        PARTS_IN_FLIGHT,
        async (n) => {
          const len = partSize(n);
          const body = Buffer.allocUnsafe(len);
          for (let off = 0; off < len;) {
            const { bytesRead } = await fh.read(body, off, len - off, (n - 1) * PART_SIZE + off);
            if (bytesRead === 0)
              throw new StrataError('CONFLICT', `${file} became shorter while it was being sent`);
            off += bytesRead;
          }
          const part = countSent(
            new UploadPartCommand({
              Bucket: cfg.bucket,
              Key,
              UploadId: upload.uploadId,
              PartNumber: n,
              Body: body,
              ContentLength: len,
            }),
            len,
            onBytes,
          );
          const r = await client.send(part.command, { abortSignal: signal });
          done.set(n, r.ETag!);
          upload.parts[n] = r.ETag!;
          journal?.save(upload);
          onBytes(part.rest());
        },
        signal,
      );
    } finally {
      await fh.close();
    }
    try {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: cfg.bucket,
          Key,
          UploadId: upload.uploadId,
          MultipartUpload: {
            Parts: [...done].sort((a, b) => a[0] - b[0]).map(([n, ETag]) => ({ PartNumber: n, ETag })),
          },
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      // Parts the server refuses to assemble will not assemble next time either: begin again then.
      if ((err as Error).name === 'InvalidPart' || (err as Error).name === 'InvalidPartOrder')
        await giveUp(upload, signal);
      throw err;
    }
    journal?.drop(Key);
    return { resumed };
  }
}
