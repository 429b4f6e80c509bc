// Remotes (issue 16), against the Swift s3api server of the tests (test/servers/swift.sh, started and
// stopped here), side by side with the same SDK doing the plain thing:
// - push and pull of one large content (1 GiB; --small 64 MiB) vs a plain lib-storage multipart
//   upload of the same file and a plain GetObject streamed to a file (ours also reads the store,
//   hashes and fsyncs: the label says so); target ratio of throughputs >= 0.8;
// - push of 10,000 x 4 KiB contents (--small 1,000) vs one PutObject per content, 8 in flight as
//   ours; target >= 10x faster;
// - a second push with nothing new (the same small contents): one listing, no per-content request;
//   measured on the 10,001 contents above and at the size, 100,000 x 1 KiB contents (--small
//   10,000), pushed once first (that push is reported without a comparator: one request per content
//   is not run at this size).
//   node --import tsx test/bench/remote.ts
//   (STRATA_BENCH_REMOTE_BIG_MB, STRATA_BENCH_REMOTE_SMALL, STRATA_BENCH_REMOTE_MANY)
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { figure, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { recordVersion } =
  await engineModule<typeof import('../../electron/core/store/api.js')>('store/api.js');
const { push } = await engineModule<typeof import('../../electron/core/remote/push.js')>('remote/push.js');
const { pull } = await engineModule<typeof import('../../electron/core/remote/pull.js')>('remote/pull.js');
const { s3Transport } = await engineModule<typeof import('../../electron/core/remote/s3.js')>('remote/s3.js');

const BIG = size('STRATA_BENCH_REMOTE_BIG_MB', 1024, 64) << 20;
const SMALL_N = size('STRATA_BENCH_REMOTE_SMALL', 10_000, 1_000);
const MANY_N = size('STRATA_BENCH_REMOTE_MANY', 100_000, 10_000);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const swift = path.join(repo, 'test', 'servers', 'swift.sh');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-remote-'));
const serverDir = path.join(root, 'swift');
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
const MB = 1 << 20;

let endpoint: string;
try {
  endpoint = execFileSync(swift, ['start', serverDir], { encoding: 'utf8' }).trim();
} catch (err) {
  fs.rmSync(root, { recursive: true, force: true });
  console.error(`remote: the Swift server did not start, nothing measured: ${(err as Error).message}`);
  process.exit(1);
}
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'test:tester',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
const client = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const never = new AbortController().signal;
const quiet = { signal: never, onProgress: () => undefined };

try {
  await client.send(new CreateBucketCommand({ Bucket: 'ours' }));
  await client.send(new CreateBucketCommand({ Bucket: 'plain' }));
  const remote = s3Transport('bench', {
    type: 's3',
    bucket: 'ours',
    endpoint,
    prefix: '',
    region: 'us-east-1',
    path_style: true,
  });

  const a = path.join(root, 'a');
  fs.mkdirSync(path.join(a, 'small'), { recursive: true });
  fs.writeFileSync(path.join(a, 'strata.yaml'), 'stages: {}\n');
  const bigFile = path.join(a, 'big.bin');
  const chunk = crypto.randomBytes(16 * MB);
  const fd = fs.openSync(bigFile, 'w');
  for (let off = 0; off < BIG; off += chunk.length) {
    chunk.writeUInt32LE(off / chunk.length, 0);
    fs.writeSync(fd, chunk, 0, Math.min(chunk.length, BIG - off));
  }
  fs.closeSync(fd);
  const block = crypto.randomBytes(4096);
  for (let i = 0; i < SMALL_N; i++) {
    block.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(a, 'small', `${i}.bin`), block);
  }
  const project = Project.init(a);
  await recordVersion(project, { path: 'big.bin', source: 'manual' });
  await recordVersion(project, { path: 'small', source: 'manual' });
  execFileSync('sync');

  let t = process.hrtime.bigint();
  await push(project, remote, { specs: ['big'], all: false, ...quiet });
  const ourUp = seconds(t);
  t = process.hrtime.bigint();
  await new Upload({
    client,
    params: { Bucket: 'plain', Key: 'big', Body: fs.createReadStream(bigFile, { highWaterMark: MB }) },
    partSize: 16 * MB,
    queueSize: 4,
  }).done();
  const plainUp = seconds(t);
  figure({
    name: `push of one ${BIG / MB} MiB content`,
    value: BIG / MB / ourUp,
    unit: 'MiB/s',
    comparator: {
      label: 'lib-storage Upload of the same file, same part size and queue',
      value: BIG / MB / plainUp,
    },
    targets: [{ on: 'ratio', op: '>=', limit: 0.8 }],
  });

  const b = path.join(root, 'b');
  fs.mkdirSync(b);
  fs.writeFileSync(path.join(b, 'strata.yaml'), 'stages: {}\n');
  const clone = Project.init(b);
  t = process.hrtime.bigint();
  await pull(clone, remote, { specs: ['big@1'], all: false, ...quiet });
  const ourDown = seconds(t);
  t = process.hrtime.bigint();
  const got = await client.send(new GetObjectCommand({ Bucket: 'plain', Key: 'big' }));
  await pipeline(got.Body as NodeJS.ReadableStream, fs.createWriteStream(path.join(root, 'plain-big')));
  const plainDown = seconds(t);
  figure({
    name: `pull of one ${BIG / MB} MiB content (hashed, fsynced, into the store)`,
    value: BIG / MB / ourDown,
    unit: 'MiB/s',
    comparator: { label: 'GetObject streamed to a file (no hash, no fsync)', value: BIG / MB / plainDown },
    targets: [{ on: 'ratio', op: '>=', limit: 0.8 }],
  });

  t = process.hrtime.bigint();
  await push(project, remote, { specs: ['small'], all: false, ...quiet });
  const ourSmall = seconds(t);
  const names = fs.readdirSync(path.join(a, 'small'));
  t = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < names.length) {
        const name = names[next++];
        await client.send(
          new PutObjectCommand({
            Bucket: 'plain',
            Key: `small/${name}`,
            Body: fs.readFileSync(path.join(a, 'small', name)),
          }),
        );
      }
    }),
  );
  const perRequest = seconds(t);
  figure({
    name: `push of ${SMALL_N} x 4 KiB contents`,
    value: ourSmall,
    unit: 's',
    comparator: { label: 'one PutObject per content, 8 in flight', value: perRequest },
    targets: [{ on: 'ratio', op: '<=', limit: 0.1 }],
  });

  t = process.hrtime.bigint();
  const again = await push(project, remote, { specs: ['small'], all: true, ...quiet });
  if (again.contents !== 0) throw new Error('the second push sent contents');
  figure({
    name: `second push with nothing new (${SMALL_N + 1} contents on the remote)`,
    value: seconds(t),
    unit: 's',
    targets: [{ on: 'value', op: '<=', limit: 1 }],
  });

  // The size for the second push: 100,000 contents, 1 KiB each, in folders of 1,000.
  const many = path.join(a, 'many');
  const tiny = crypto.randomBytes(1024);
  for (let i = 0; i < MANY_N; i++) {
    if (i % 1000 === 0) fs.mkdirSync(path.join(many, String(i / 1000)), { recursive: true });
    tiny.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(many, String(Math.floor(i / 1000)), `${i}.bin`), tiny);
  }
  await recordVersion(project, { path: 'many', source: 'manual' });
  t = process.hrtime.bigint();
  const manyFirst = await push(project, remote, { specs: ['many'], all: false, ...quiet });
  if (manyFirst.contents !== MANY_N) throw new Error(`the first push sent ${manyFirst.contents} contents`);
  figure({
    name: `first push of ${MANY_N} x 1 KiB contents, in ${manyFirst.packs} packs (no comparator: one request per content is not run at this size)`,
    value: seconds(t),
    unit: 's',
  });
  t = process.hrtime.bigint();
  const manyAgain = await push(project, remote, { specs: [], all: true, ...quiet });
  if (manyAgain.contents !== 0) throw new Error('the second push sent contents');
  figure({
    name: `second push with nothing new (${MANY_N} contents of one version, ${SMALL_N + MANY_N + 1} on the remote)`,
    value: seconds(t),
    unit: 's',
    targets: [{ on: 'value', op: '<=', limit: 1 }],
  });
  project.close?.();
  clone.close?.();
} finally {
  execFileSync(swift, ['stop', serverDir]);
  fs.rmSync(root, { recursive: true, force: true });
}
