import { describe, it, expect, afterAll } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { JobInfo } from '../../shared/api/jobs.js';
import type { TransferReport } from '../../shared/api/remotes.js';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import type { RemoteConfig } from '../../electron/core/remote/config.js';
import { openTransport } from '../../electron/core/remote/open.js';
import { pull } from '../../electron/core/remote/pull.js';
import { push } from '../../electron/core/remote/push.js';
import { PART_SIZE, s3Location } from '../../electron/core/remote/s3.js';
import { UploadJournal } from '../../electron/core/remote/uploads.js';
import { recordVersion, restoreVersion } from '../../electron/core/store/api.js';
import { listArtifactRows, resolveRef } from '../../electron/core/store/repo.js';
import { spawnCli, runCli, tempDir } from '../helpers/cli.js';

// Cancelling and resuming transfers: a push or pull stopped part-way (the job's signal, which the
// jobs tray's Cancel and the CLI's Ctrl-C abort) leaves both sides consistent, and the next attempt
// finishes, sending only what had not arrived. Folder remotes always; S3 against Swift when it runs.

const SLOW = 180_000;
const t = tempDir('strata-remote-int-');
afterAll(() => t.cleanup());

const endpoint = process.env.STRATA_TEST_S3_ENDPOINT;
const why = `STRATA_TEST_S3_ENDPOINT is not set: the Swift server (test/servers/swift.sh) is not running${process.env.STRATA_TEST_S3_SKIP ? ` (${process.env.STRATA_TEST_S3_SKIP})` : ''}`;
const creds = { AWS_ACCESS_KEY_ID: 'test:tester', AWS_SECRET_ACCESS_KEY: 'testing' };
const client = endpoint
  ? new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: creds.AWS_ACCESS_KEY_ID, secretAccessKey: creds.AWS_SECRET_ACCESS_KEY },
    })
  : null;
if (endpoint) Object.assign(process.env, creds, { AWS_EC2_METADATA_DISABLED: 'true' });

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const yamlOf = (name: string, cfg: RemoteConfig) =>
  `stages: {}\nremotes:\n  ${name}:\n${Object.entries(cfg)
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n')}\n`;

function projectAt(dir: string, name: string, cfg: RemoteConfig): Project {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'strata.yaml'), yamlOf(name, cfg));
  return Project.init(dir);
}

/** Five large contents (loose, one request or file each) and thirty small ones (one pack). */
function writeData(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 5; i++) files[`big-${i}.bin`] = crypto.randomBytes(4 << 20);
  for (let i = 0; i < 30; i++) files[`small-${i}.bin`] = crypto.randomBytes(3000 + i);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'data', n), b);
  return files;
}

const stopped = (p: Promise<unknown>) =>
  p.then(
    () => 'finished',
    (err: Error) => err.name,
  );

function transferCases(kind: 'folder' | 's3', remote: () => { name: string; cfg: RemoteConfig }) {
  const base = path.join(t.dir, kind);
  let files: Record<string, Buffer>;

  /** Keys on the remote, and a check that each object there is whole: its bytes hash to its name. */
  async function remoteKeys(p: Project): Promise<string[]> {
    const { name, cfg } = remote();
    const transport = openTransport(p, name, cfg);
    const keys = [...(await transport.list(new AbortController().signal)).keys()];
    for (const k of keys.filter((k) => k.startsWith('objects/')))
      expect(sha256(await transport.read(k, new AbortController().signal)), k).toBe(k.slice(8));
    if (cfg.type === 'folder') {
      const tmp = path.join(path.resolve(p.root, cfg.path), 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], 'temp files left on the remote').toEqual([]);
    }
    return keys;
  }

  it(
    'a push cancelled at its first bytes stops, leaves only whole objects and no record, and the next push finishes',
    async () => {
      const { name, cfg } = remote();
      const a = projectAt(path.join(base, 'a'), name, cfg);
      try {
        files = writeData(a.root);
        await recordVersion(a, { path: 'data', source: 'manual' });
        const cancel = new AbortController();
        const first = await stopped(
          push(a, openTransport(a, name, cfg), {
            specs: ['data'],
            all: false,
            signal: cancel.signal,
            onProgress: (done) => done > 0 && cancel.abort(),
          }),
        );
        expect(first).toBe('AbortError');
        const keys = await remoteKeys(a);
        expect(keys.filter((k) => k.startsWith('versions/'))).toEqual([]);
        // Stopped promptly: the large contents in flight were abandoned, not finished. (An S3 object
        // is counted only once its one request is answered, when it is already whole there; the
        // multipart case below shows parts in flight abandoned.)
        if (kind === 'folder') expect(keys.filter((k) => k.startsWith('objects/')).length).toBeLessThan(5);

        const again = await push(a, openTransport(a, name, cfg), {
          specs: ['data'],
          all: false,
          signal: new AbortController().signal,
          onProgress: () => undefined,
        });
        expect(again.versions).toEqual(['data@1']);
        expect(again.contents + again.skipped).toBe(35);
        expect((await remoteKeys(a)).filter((k) => k.startsWith('objects/'))).toHaveLength(5);
      } finally {
        a.close();
      }
    },
    SLOW,
  );

  it(
    'a pull cancelled at its first bytes records nothing and keeps no temp file, and the next pull finishes',
    async () => {
      const { name, cfg } = remote();
      const b = projectAt(path.join(base, 'b'), name, cfg);
      try {
        const cancel = new AbortController();
        const first = await stopped(
          pull(b, openTransport(b, name, cfg), {
            specs: ['data@1'],
            all: false,
            signal: cancel.signal,
            onProgress: (done) => done > 0 && cancel.abort(),
          }),
        );
        expect(first).toBe('AbortError');
        expect(listArtifactRows(b)).toEqual([]);
        const tmp = path.join(b.objectsDir, 'tmp');
        expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
        const loose = fs
          .readdirSync(b.objectsDir)
          .filter((d) => /^[0-9a-f]{2}$/.test(d))
          .flatMap((d) => fs.readdirSync(path.join(b.objectsDir, d)));
        // Stopped promptly, and what did arrive whole was verified: each is one of the five.
        expect(loose.length).toBeLessThan(5);
        for (const h of loose) expect(Object.values(files).some((f) => sha256(f).endsWith(h))).toBe(true);

        const again = await pull(b, openTransport(b, name, cfg), {
          specs: ['data@1'],
          all: false,
          signal: new AbortController().signal,
          onProgress: () => undefined,
        });
        expect(again.versions).toEqual(['data@1']);
        await restoreVersion(b, resolveRef(b, 'data', '1').rootHash, 'data');
        for (const [n, bytes] of Object.entries(files))
          expect(fs.readFileSync(path.join(b.root, 'data', n)).equals(bytes), n).toBe(true);
      } finally {
        b.close();
      }
    },
    SLOW,
  );
}

describe('folder remote', () => {
  fs.mkdirSync(path.join(t.dir, 'nas'));
  transferCases('folder', () => ({ name: 'nas', cfg: { type: 'folder', path: path.join(t.dir, 'nas') } }));
});

describe.skipIf(!endpoint)(`S3 remote against Swift${endpoint ? '' : ` — skipped: ${why}`}`, () => {
  const bucket = `strata-int-${crypto.randomBytes(4).toString('hex')}`;
  const cfg: RemoteConfig = {
    type: 's3',
    endpoint: endpoint!,
    bucket,
    prefix: 'p',
    region: 'us-east-1',
    path_style: true,
  };
  it('creates its bucket', async () => {
    await client!.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  transferCases('s3', () => ({ name: 'swift', cfg }));

  const openUploads = async () =>
    (await client!.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];

  it(
    'an interrupted multipart upload resumes from the parts the server holds, and the object verifies',
    async () => {
      const p = projectAt(path.join(t.dir, 'resume'), 'swift', cfg);
      try {
        const big = crypto.randomBytes(5 * PART_SIZE);
        fs.writeFileSync(path.join(p.root, 'big.bin'), big);
        await recordVersion(p, { path: 'big.bin', source: 'manual' });
        const journal = new UploadJournal(path.join(p.strataDir, 'uploads'), s3Location(cfg));
        const cancel = new AbortController();
        const first = await stopped(
          push(p, openTransport(p, 'swift', cfg), {
            specs: ['big'],
            all: false,
            signal: cancel.signal,
            // Each acknowledged part is saved before its bytes are counted: stop after the second.
            onProgress: () => {
              const u = journal.list()[0];
              if (u && Object.keys(u.parts).length >= 2) cancel.abort();
            },
          }),
        );
        expect(first).toBe('AbortError');
        const [saved] = journal.list();
        const had = Object.keys(saved.parts).length;
        expect(had).toBeGreaterThanOrEqual(2);
        expect(had).toBeLessThan(5);
        // The server agrees: it holds those parts of an upload still open.
        const listed = await client!.send(
          new ListPartsCommand({ Bucket: bucket, Key: saved.key, UploadId: saved.uploadId }),
        );
        expect((listed.Parts ?? []).length).toBeGreaterThanOrEqual(had);

        const again = await push(p, openTransport(p, 'swift', cfg), {
          specs: ['big'],
          all: false,
          signal: new AbortController().signal,
          onProgress: () => undefined,
        });
        expect(again.versions).toEqual(['big@1']);
        expect(again.resumed).toBeGreaterThanOrEqual(had * PART_SIZE);
        expect(again.bytes).toBe(big.length - again.resumed);
        expect(again.bytes).toBeLessThan(big.length);
        expect(journal.list()).toEqual([]);
        expect(await openUploads()).toEqual([]);
        const got = await client!.send(new GetObjectCommand({ Bucket: bucket, Key: saved.key }));
        expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(big));
      } finally {
        p.close();
      }
    },
    SLOW,
  );

  it(
    'a multipart push reports bytes within each part as they are sent, adding up to the content',
    async () => {
      const p = projectAt(path.join(t.dir, 'progress'), 'swift', cfg);
      try {
        const big = crypto.randomBytes(3 * PART_SIZE);
        fs.writeFileSync(path.join(p.root, 'parts.bin'), big);
        await recordVersion(p, { path: 'parts.bin', source: 'manual' });
        const seen: number[] = [];
        const report = await push(p, openTransport(p, 'swift', cfg), {
          specs: ['parts'],
          all: false,
          signal: new AbortController().signal,
          onProgress: (done, total) => {
            expect(total).toBe(big.length);
            seen.push(done);
          },
        });
        expect(report.bytes).toBe(big.length);
        expect(seen.at(-1)).toBe(big.length);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        // Counted once per part, every value would be a multiple of the part size.
        const within = seen.filter((d) => d > 0 && d < big.length && d % PART_SIZE !== 0);
        expect(within.length).toBeGreaterThan(3 * 8);
      } finally {
        p.close();
      }
    },
    SLOW,
  );

  it(
    'an unfinished upload whose object has arrived meanwhile is aborted, not resumed',
    async () => {
      const p = projectAt(path.join(t.dir, 'stale'), 'swift', cfg);
      try {
        const big = crypto.randomBytes(2 * PART_SIZE + 1000);
        fs.writeFileSync(path.join(p.root, 'other.bin'), big);
        await recordVersion(p, { path: 'other.bin', source: 'manual' });
        const journal = new UploadJournal(path.join(p.strataDir, 'uploads'), s3Location(cfg));
        const cancel = new AbortController();
        await stopped(
          push(p, openTransport(p, 'swift', cfg), {
            specs: ['other'],
            all: false,
            signal: cancel.signal,
            onProgress: () =>
              journal.list()[0] && Object.keys(journal.list()[0].parts).length && cancel.abort(),
          }),
        );
        const [saved] = journal.list();
        expect(saved).toBeDefined();
        expect((await openUploads()).map((u) => u.UploadId)).toContain(saved.uploadId);
        // A colleague's push finished the same content meanwhile.
        await client!.send(new PutObjectCommand({ Bucket: bucket, Key: saved.key, Body: big }));

        const again = await push(p, openTransport(p, 'swift', cfg), {
          specs: ['other'],
          all: false,
          signal: new AbortController().signal,
          onProgress: () => undefined,
        });
        expect(again).toMatchObject({ versions: ['other@1'], contents: 0, skipped: 1 });
        expect(journal.list()).toEqual([]);
        expect((await openUploads()).map((u) => u.UploadId)).not.toContain(saved.uploadId);
      } finally {
        p.close();
      }
    },
    SLOW,
  );

  it(
    "the jobs tray's Cancel (jobs.cancel) stops a push mid-way: nothing named on the remote, and the next push resumes",
    async () => {
      const dir = path.join(t.dir, 'tray');
      const tray = { ...cfg, prefix: 'tray' };
      const p = projectAt(dir, 'swift', tray);
      fs.writeFileSync(path.join(dir, 'large.bin'), crypto.randomBytes(6 * PART_SIZE));
      await recordVersion(p, { path: 'large.bin', source: 'manual' });
      const journal = new UploadJournal(path.join(p.strataDir, 'uploads'), s3Location(tray));
      p.close();
      process.env.STRATA_HOME = path.join(t.dir, 'home-engine');
      const engine = new Engine({ services: [], rememberRecent: false });
      try {
        engine.openProject(dir);
        const { jobId } = await engine.invoke('remotes.push', { all: true });
        // Cancel as soon as the server holds a part (saved as it is acknowledged), as a person would.
        const off = engine.subscribe((name, payload) => {
          const job = payload as JobInfo;
          if (name === 'job.update' && job.id === jobId && job.state === 'running' && job.done > 0) {
            const u = journal.list()[0];
            if (u && Object.keys(u.parts).length) void engine.invoke('jobs.cancel', { id: jobId });
          }
        });
        const ended = await engine.invoke('jobs.wait', { id: jobId });
        off();
        expect(ended.state).toBe('cancelled');
        expect(ended.done).toBeLessThan(ended.total!);
        const named = await client!.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tray/' }));
        expect(named.Contents ?? []).toEqual([]);

        const again = await engine.invoke('jobs.wait', {
          id: (await engine.invoke('remotes.push', { all: true })).jobId,
        });
        expect(again.state).toBe('done');
        const report = again.result as TransferReport;
        expect(report.versions).toEqual(['large@1']);
        expect(report.resumed).toBeGreaterThanOrEqual(PART_SIZE);
        expect(report.bytes).toBe(6 * PART_SIZE - report.resumed);
      } finally {
        await engine.shutdown();
        delete process.env.STRATA_HOME;
      }
    },
    SLOW,
  );

  it(
    'Ctrl-C on strata push cancels it (exit 130), and the next push finishes',
    async () => {
      const dir = path.join(t.dir, 'cli');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'strata.yaml'), yamlOf('swift', { ...cfg, prefix: 'cli' }));
      fs.writeFileSync(path.join(dir, 'huge.bin'), crypto.randomBytes(6 * PART_SIZE));
      const env = { STRATA_HOME: path.join(t.dir, 'home'), ...creds };
      expect(runCli(['add', 'huge.bin', '--json'], { cwd: dir, env }).code).toBe(0);
      const child = spawnCli(['push', '--all'], { cwd: dir, env });
      let stderr = '';
      const ended = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve) =>
        child.stderr!.on('data', (d) => {
          stderr += d;
          if (/^sent /m.test(stderr)) resolve();
        }),
      );
      child.kill('SIGINT');
      expect(await ended).toBe(130);
      expect(stderr).toContain('strata push: cancelling');
      expect(stderr).toContain('strata push: cancelled; run it again to resume');
      const again = runCli(['push', '--all', '--json'], { cwd: dir, env });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).versions).toEqual(['huge@1']);
      expect(await openUploads()).toEqual([]);
    },
    SLOW,
  );
});
