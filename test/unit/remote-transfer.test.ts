import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { repoRoot, tempDir, type CliResult } from '../helpers/cli.js';

// The CLI runs from inside each project folder, so tsx is named by its absolute URL.
const tsx = import.meta.resolve('tsx');
function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, path.join(repoRoot, 'electron', 'cli', 'main.ts'), ...args],
    {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each test runs the CLI several times, and each start costs a few seconds on a loaded machine. */
const SLOW = 180_000;

const t = tempDir('strata-remote-');
afterAll(() => t.cleanup());

/** Credentials for the Swift test server, and nothing from the machine's own AWS set-up. */
const awsEnv = (secret: string): NodeJS.ProcessEnv => ({
  STRATA_HOME: path.join(t.dir, 'home'),
  AWS_ACCESS_KEY_ID: 'test:tester',
  AWS_SECRET_ACCESS_KEY: secret,
  AWS_SHARED_CREDENTIALS_FILE: path.join(t.dir, 'no-credentials'),
  AWS_CONFIG_FILE: path.join(t.dir, 'no-config'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: '',
});

type Tree = Record<string, Buffer>;
function readTree(dir: string, prefix = ''): Tree {
  const out: Tree = {};
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) Object.assign(out, readTree(path.join(dir, d.name), rel));
    else out[rel] = fs.readFileSync(path.join(dir, d.name));
  }
  return out;
}

/**
 * A project with two versions of a folder (small files, which travel in packs, and one of 17 MiB,
 * multipart on S3) and a single-file model; pushed, then pulled into a fresh clone (strata.yaml only,
 * as git would give it), where every version must check out byte for byte.
 */
function roundTrip(name: string, remotesYaml: string, env: NodeJS.ProcessEnv) {
  const base = path.join(t.dir, name);
  const a = path.join(base, 'a');
  const yaml = `artifacts: {}\nstages: {}\nremotes:\n${remotesYaml}`;
  const expected: Record<string, Tree> = {};
  const cliIn =
    (dir: string) =>
    (...args: string[]) =>
      runCli(args, dir, env);
  const ok = (r: CliResult, what: string) => {
    expect(r.stderr.replace(/^sent .*\n|^received .*\n/gm, ''), what).toBe('');
    expect(r.code, what).toBe(0);
    return r.stdout;
  };
  const json = (dir: string, ...args: string[]) =>
    JSON.parse(ok(cliIn(dir)(...args, '--json'), args.join(' ')));

  it(
    'pushes every version, and a second push sends nothing',
    () => {
      fs.mkdirSync(path.join(a, 'data'), { recursive: true });
      fs.writeFileSync(path.join(a, 'strata.yaml'), yaml);
      const rand = (n: number) => crypto.randomBytes(n);
      for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(a, 'data', `part-${i}.bin`), rand(3000 + i));
      fs.writeFileSync(path.join(a, 'data', 'big.bin'), rand(17 << 20));
      fs.writeFileSync(path.join(a, 'data', 'empty.txt'), '');
      json(a, 'add', 'data', '--kind', 'dataset', '-m', 'first');
      expected['data@1'] = readTree(path.join(a, 'data'));
      fs.writeFileSync(path.join(a, 'data', 'part-3.bin'), rand(5000));
      fs.rmSync(path.join(a, 'data', 'part-7.bin'));
      fs.writeFileSync(path.join(a, 'data', 'big2.bin'), rand(2 << 20));
      json(a, 'add', 'data', '-m', 'second');
      expected['data@2'] = readTree(path.join(a, 'data'));
      fs.writeFileSync(path.join(a, 'model.bin'), rand(4096));
      json(a, 'add', 'model.bin', '--kind', 'model');
      expected['model@1'] = { '': fs.readFileSync(path.join(a, 'model.bin')) };

      const first = json(a, 'push', '--all');
      expect(first.versions.sort()).toEqual(['data@1', 'data@2', 'model@1']);
      // 40 + 1 changed small files, the empty one, the model, two large ones; shared contents go once.
      expect(first.contents).toBe(45);
      const again = json(a, 'push', '--all');
      expect(again).toMatchObject({ versions: [], contents: 0, bytes: 0 });
    },
    SLOW,
  );

  it(
    'pulls into a fresh clone: every version byte for byte',
    () => {
      const b = path.join(base, 'b');
      fs.mkdirSync(b, { recursive: true });
      fs.writeFileSync(path.join(b, 'strata.yaml'), yaml);
      const [status] = json(b, 'remote', 'status');
      expect(status).toMatchObject({ error: null, onlyHere: [], both: 0 });
      expect(status.onlyThere).toEqual(['data@1', 'data@2', 'model@1']);

      const pulled = json(b, 'pull', '--all');
      expect(pulled.versions).toEqual(['data@1', 'data@2', 'model@1']);
      for (const spec of ['data@1', 'data@2', 'model@1']) {
        json(b, 'checkout', spec);
        const got = spec.startsWith('model')
          ? { '': fs.readFileSync(path.join(b, 'model.bin')) }
          : readTree(path.join(b, 'data'));
        expect(Object.keys(got).sort(), spec).toEqual(Object.keys(expected[spec]).sort());
        for (const [rel, bytes] of Object.entries(expected[spec]))
          expect(got[rel].equals(bytes), `${spec} ${rel}`).toBe(true);
      }
      expect(json(b, 'versions', 'data').versions.map((v: { message: string }) => v.message)).toEqual([
        'second',
        'first',
      ]);
      expect(json(b, 'fsck').ok ?? true).toBe(true);
      expect(json(b, 'pull', '--all').versions).toEqual([]);
    },
    SLOW,
  );
  it(
    'a checkout of a version only on the remote names it and the remote, and --pull does both',
    () => {
      const e = path.join(base, 'checkout');
      fs.mkdirSync(e, { recursive: true });
      fs.writeFileSync(path.join(e, 'strata.yaml'), yaml);
      const remoteName = /^ {2}(\w+):/m.exec(remotesYaml)![1];
      // Not on a terminal: no question, the command fails and says what to pass.
      const refused = cliIn(e)('checkout', 'data@2');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `data@2 is only on remote "${remoteName}", with 42 contents (19 MiB) this store lacks; pass --pull`,
      );
      expect(json(e, 'remote', 'status')[0]).toMatchObject({ both: 0, onlyHere: [] });
      expect(fs.existsSync(path.join(e, 'data'))).toBe(false);

      expect(json(e, 'checkout', 'data@2', '--pull').number).toBe(2);
      const got = readTree(path.join(e, 'data'));
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected['data@2']).sort());
      for (const [rel, bytes] of Object.entries(expected['data@2']))
        expect(got[rel].equals(bytes), rel).toBe(true);
      expect(json(e, 'versions', 'data').versions.map((v: { number: number }) => v.number)).toEqual([2]);

      // A version recorded here whose content is gone (the 17 MiB one): named, and fetched alone.
      const objects = path.join(e, '.strata', 'objects');
      const lost = fs
        .readdirSync(objects)
        .filter((d) => /^[0-9a-f]{2}$/.test(d))
        .flatMap((d) => fs.readdirSync(path.join(objects, d)).map((f) => path.join(objects, d, f)))
        .find((f) => fs.statSync(f).size === 17 << 20)!;
      fs.rmSync(lost);
      fs.rmSync(path.join(e, 'data'), { recursive: true });
      const gone = cliIn(e)('checkout', 'data@2');
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`data@2: 1 content (17 MiB) is only on remote "${remoteName}"`);
      expect(json(e, 'checkout', 'data@2', '--pull', '--remote', remoteName).number).toBe(2);
      expect(fs.readFileSync(path.join(e, 'data', 'big.bin')).equals(expected['data@2']['big.bin'])).toBe(
        true,
      );
      expect(json(e, 'fsck').ok ?? true).toBe(true);
    },
    SLOW,
  );
  return { base, a, cliIn, json };
}

describe('folder remote', () => {
  const s = roundTrip('folder', '  nas:\n    type: folder\n    path: ../nas\n', {
    STRATA_HOME: path.join(t.dir, 'home'),
  });
  beforeAll(() => fs.mkdirSync(path.join(s.base, 'nas'), { recursive: true }));

  it(
    'refuses a remote content whose bytes do not match its name, and stores nothing',
    () => {
      const c = path.join(s.base, 'c');
      fs.mkdirSync(c, { recursive: true });
      fs.copyFileSync(path.join(s.a, 'strata.yaml'), path.join(c, 'strata.yaml'));
      const objects = path.join(s.base, 'nas', 'objects');
      const big = fs.readdirSync(objects).find((h) => fs.statSync(path.join(objects, h)).size === 17 << 20)!;
      const file = path.join(objects, big);
      const bytes = fs.readFileSync(file);
      bytes[1000] ^= 0xff;
      fs.writeFileSync(file, bytes);
      try {
        const r = s.cliIn(c)('pull', 'data@1');
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain(`remote "nas"`);
        expect(r.stderr).toContain('does not match its name');
        // strata.yaml declares data (the clone has it from git): the artifact is there, no version of it.
        expect(s.json(c, 'versions', 'data').versions).toEqual([]);
        expect(fs.readdirSync(path.join(c, '.strata', 'objects', 'tmp'))).toEqual([]);
      } finally {
        bytes[1000] ^= 0xff;
        fs.writeFileSync(file, bytes);
      }
    },
    SLOW,
  );

  it(
    'a push that stopped before its version records resumes without sending contents again',
    () => {
      // What an interruption after the contents leaves: contents there, no record naming them.
      fs.rmSync(path.join(s.base, 'nas', 'versions'), { recursive: true });
      const resumed = s.json(s.a, 'push', '--all');
      expect(resumed.versions.sort()).toEqual(['data@1', 'data@2', 'model@1']);
      expect(resumed).toMatchObject({ contents: 0, bytes: 0, skipped: 45 });
    },
    SLOW,
  );

  it(
    'on a terminal, checkout asks before pulling: no leaves the store as it was, yes pulls and checks out',
    async () => {
      const f = path.join(s.base, 'tty');
      fs.mkdirSync(f, { recursive: true });
      fs.copyFileSync(path.join(s.a, 'strata.yaml'), path.join(f, 'strata.yaml'));
      // util-linux script(1) gives the CLI a terminal; the answer is typed once the question shows.
      const onTerminal = (answer: string) =>
        new Promise<{ code: number | null; out: string }>((resolve, reject) => {
          const cmd = [process.execPath, '--import', tsx, path.join(repoRoot, 'electron', 'cli', 'main.ts')];
          const child = spawn('script', ['-qec', `${cmd.join(' ')} checkout model@1`, '/dev/null'], {
            cwd: f,
            env: { ...process.env, STRATA_HOME: path.join(t.dir, 'home') },
          });
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
            if (out.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
          });
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, out }));
        });
      const no = await onTerminal('n');
      expect(no.out).toMatch(
        /model@1 is only on remote "nas", with 1 content \(4\.0 KiB\) this store lacks\. Pull 4\.0 KiB from "nas" and check out\? \[y\/N\]/,
      );
      expect(no.code).toBe(1);
      expect(fs.existsSync(path.join(f, 'model.bin'))).toBe(false);
      expect(s.json(f, 'versions', 'model').versions).toEqual([]);
      const yes = await onTerminal('y');
      expect(yes.out).toContain('checked out model@1 into model.bin');
      expect(yes.code).toBe(0);
      expect(
        fs.readFileSync(path.join(f, 'model.bin')).equals(fs.readFileSync(path.join(s.a, 'model.bin'))),
      ).toBe(true);
    },
    SLOW,
  );

  it(
    'names the remote when its folder is not there',
    () => {
      const d = path.join(s.base, 'd');
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(
        path.join(d, 'strata.yaml'),
        'artifacts: {}\nremotes:\n  usb:\n    type: folder\n    path: ../unplugged\n',
      );
      const r = s.cliIn(d)('pull', '--all');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/remote "usb" \(folder .*unplugged\): the folder does not exist/);
      expect(fs.existsSync(path.join(s.base, 'unplugged'))).toBe(false);
    },
    SLOW,
  );
});

describe('S3 remote', () => {
  it(
    'reports an endpoint nobody answers on, naming the remote',
    () => {
      const dir = path.join(t.dir, 'closed');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'strata.yaml'),
        'artifacts: {}\nremotes:\n  lab:\n    type: s3\n    bucket: nothing\n    endpoint: http://127.0.0.1:9\n    path_style: true\n',
      );
      const r = runCli(['pull', '--all'], dir, awsEnv('testing'));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        /remote "lab" \(s3:\/\/nothing\/ at http:\/\/127\.0\.0\.1:9\) cannot be reached/,
      );
    },
    SLOW,
  );
});

const endpoint = process.env.STRATA_TEST_S3_ENDPOINT;
const why = `STRATA_TEST_S3_ENDPOINT is not set: the Swift server (test/servers/swift.sh) is not running${process.env.STRATA_TEST_S3_SKIP ? ` (${process.env.STRATA_TEST_S3_SKIP})` : ''}`;

describe.skipIf(!endpoint)(`S3 remote against Swift${endpoint ? '' : ` — skipped: ${why}`}`, () => {
  const bucket = `strata-${crypto.randomBytes(4).toString('hex')}`;
  const remote = `  swift:\n    type: s3\n    endpoint: ${endpoint}\n    bucket: ${bucket}\n    prefix: projects/demo\n    path_style: true\n`;
  beforeAll(async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test:tester', secretAccessKey: 'testing' },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  const s = roundTrip('s3', remote, awsEnv('testing'));

  it(
    'a request signed with a wrong secret is refused by the server and reported',
    () => {
      const c = path.join(s.base, 'wrong');
      fs.mkdirSync(c, { recursive: true });
      fs.copyFileSync(path.join(s.a, 'strata.yaml'), path.join(c, 'strata.yaml'));
      const r = runCli(['pull', '--all'], c, awsEnv('not-the-secret'));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `remote "swift" (s3://${bucket}/projects/demo at ${endpoint}) refused the credentials`,
      );
      expect(r.stderr).toContain('SignatureDoesNotMatch');
      expect(s.json(c, 'versions', 'data').versions).toEqual([]);
    },
    SLOW,
  );
});
