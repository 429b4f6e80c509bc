// Deploy bundles: export → verify → import round trip byte for byte through the CLI; a flipped
// byte, a cut-off file and foreign or broken signatures refused; and a suite of hostile archives,
// generated here, each refused with its reason, nothing written outside, nothing left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { repoRoot, tempDir, type CliResult } from '../helpers/cli.js';
import { Engine } from '../../electron/core/engine.js';
import { importBundle, importTempRoot } from '../../electron/core/bundle/import.js';
import { verifyBundle } from '../../electron/core/bundle/verify.js';
import { TarWriter, type EntryType } from '../../electron/core/bundle/tar-write.js';
import { MANIFEST_NAME } from '../../electron/core/bundle/format.js';
import { locateObject } from '../../electron/core/store/packs.js';
import type { JobInfo } from '../../shared/api/jobs.js';

const tsx = import.meta.resolve('tsx');
const t = tempDir('strata-bundle-');
const home = path.join(t.dir, 'home');
const src = path.join(t.dir, 'src');
const dst = path.join(t.dir, 'dst');
const bundle = path.join(t.dir, 'model.tar');
const engine = new Engine({ services: [], rememberRecent: false });

afterAll(async () => {
  await engine.shutdown();
  t.cleanup();
});

const cli = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult => {
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, path.join(repoRoot, 'electron', 'cli', 'main.ts'), ...args],
    {
      cwd,
      env: { ...process.env, STRATA_HOME: home, ...env },
      encoding: 'utf8',
      timeout: 120000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const weights = Buffer.concat([Buffer.from('WEIGHTS-MAGIC'), crypto.randomBytes(3 * 1024 * 1024)]);

beforeAll(() => {
  process.env.STRATA_HOME = home;
  for (const dir of [src, dst]) {
    fs.mkdirSync(dir, { recursive: true });
    expect(cli(dir, ['init']).code).toBe(0);
  }
  const model = path.join(src, 'model');
  fs.mkdirSync(path.join(model, 'sub', 'dir'), { recursive: true });
  fs.writeFileSync(path.join(model, 'weights.bin'), weights);
  fs.writeFileSync(path.join(model, 'config.json'), '{"layers": 3}\n');
  fs.writeFileSync(path.join(model, 'sub', 'dir', 'vocab — ünïcode.txt'), 'a\nb\n');
  fs.writeFileSync(path.join(model, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  const added = cli(src, ['add', 'model', '--kind', 'model']);
  expect(added.code, added.stderr).toBe(0);
}, 120000);

describe('bundle round trip', () => {
  it('export → verify → import reproduces every file byte for byte, with the executable bit', () => {
    const ex = cli(src, ['bundle', 'export', 'model@1', '-o', bundle, '--sign', '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(JSON.parse(ex.stdout)).toMatchObject({ signed: true, files: 4 + 6 });
    const v = cli(dst, ['bundle', 'verify', bundle, '--json']);
    expect(v.code, v.stderr).toBe(0);
    const report = JSON.parse(v.stdout);
    expect(report).toMatchObject({
      ok: true,
      problems: [],
      model: { name: 'model', version: 1 },
      signature: { status: 'trusted' },
    });

    const im = cli(dst, ['bundle', 'import', bundle, '--json']);
    expect(im.code, im.stderr).toBe(0);
    expect(JSON.parse(im.stdout)).toMatchObject({ model: 'model', version: 1, existing: false });
    expect(cli(dst, ['checkout', 'model@1']).code).toBe(0);
    for (const rel of ['weights.bin', 'config.json', 'sub/dir/vocab — ünïcode.txt', 'run.sh'])
      expect(
        fs.readFileSync(path.join(dst, 'model', rel)).equals(fs.readFileSync(path.join(src, 'model', rel))),
        rel,
      ).toBe(true);
    expect(fs.statSync(path.join(dst, 'model', 'run.sh')).mode & 0o111).not.toBe(0);
    const shown = cli(dst, ['versions', 'model']);
    const sha = crypto.createHash('sha256').update(fs.readFileSync(bundle)).digest('hex');
    expect(shown.stdout).toContain(`imported from bundle model.tar (model@1, sha256 ${sha.slice(0, 12)})`);
    expect(fs.readdirSync(importTempRoot(engine.openProject(dst)))).toEqual([]);
  }, 120000);

  it('a flipped byte, a cut-off file, a foreign key and a signature over another manifest are refused', async () => {
    const flipped = path.join(t.dir, 'flipped.tar');
    const bytes = fs.readFileSync(bundle);
    const at = bytes.indexOf('WEIGHTS-MAGIC') + 100;
    bytes[at] ^= 0x01;
    fs.writeFileSync(flipped, bytes);
    const v = cli(dst, ['bundle', 'verify', flipped]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('model/weights.bin does not match its sha256 (changed or damaged)');
    const project = engine.openProject(dst);
    const before = project.db.prepare('SELECT count(*) FROM versions').pluck().get();
    await expect(importBundle(project, flipped)).rejects.toThrow(
      'model/weights.bin does not match its sha256',
    );
    expect(project.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(before);
    expect(fs.readdirSync(importTempRoot(project))).toEqual([]);

    const cut = path.join(t.dir, 'cut.tar');
    fs.writeFileSync(cut, fs.readFileSync(bundle).subarray(0, Math.floor(bytes.length / 2)));
    await expect(verifyBundle(cut)).rejects.toThrow(/cut\.tar is (damaged|refused)/);

    // Signed on another machine: a valid signature, by a key this one does not trust.
    const foreign = path.join(t.dir, 'foreign.tar');
    expect(
      cli(src, ['bundle', 'export', 'model@1', '-o', foreign, '--sign'], {
        STRATA_HOME: path.join(t.dir, 'other-home'),
      }).code,
    ).toBe(0);
    const f = await verifyBundle(foreign);
    expect(f.ok).toBe(false);
    expect(f.signature.status).toBe('unknown-key');
    expect(f.problems[0]).toMatch(/signed by an unknown key \([0-9a-f]{16}\)/);

    // The manifest edited (a file's listing changed with it) under the original signature.
    const edited = path.join(t.dir, 'edited.tar');
    const e = fs.readFileSync(bundle);
    const m = e.indexOf('"createdBy": "') + '"createdBy": "'.length;
    e[m] = e[m] === 0x78 ? 0x79 : 0x78;
    // The header checksum does not cover the data, so the archive still reads.
    fs.writeFileSync(edited, e);
    const ed = await verifyBundle(edited);
    expect(ed.signature.status).toBe('invalid');
    expect(ed.problems).toContain('the signature does not match the manifest (tampered, or not made for it)');
  }, 120000);
});

describe('export of a large model', () => {
  // Larger than the copy's buffers together (4 × 4 MiB), and not a multiple of a chunk or a block.
  const big = crypto.randomBytes(21 * 1024 * 1024 + 777);
  const dir = path.join(t.dir, 'large');
  const exportJob = async (out: string): Promise<JobInfo> => {
    const { jobId } = await engine.invoke('bundle.export', { model: 'big@1', out });
    return engine.invoke('jobs.wait', { id: jobId });
  };

  it('streams every chunk into place: the bundle holds the file byte for byte and verifies', async () => {
    fs.mkdirSync(path.join(dir, 'big'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'big', 'a.bin'), big);
    fs.writeFileSync(path.join(dir, 'big', 'b.txt'), 'after the large one\n');
    engine.openProject(dir, 'init');
    const added = await engine.invoke('artifacts.add', { path: 'big', kind: 'model', name: 'big' });
    expect((await engine.invoke('jobs.wait', { id: added.jobId })).error).toBeFalsy();
    const out = path.join(t.dir, 'large.tar');
    const job = await exportJob(out);
    expect(job.error, job.error?.message).toBeFalsy();
    expect((await verifyBundle(out)).ok).toBe(true);
    const x = spawnSync('tar', ['xOf', out, 'model/a.bin'], { maxBuffer: 64 * 1024 * 1024 });
    expect(x.stdout.equals(big)).toBe(true);
    expect(spawnSync('tar', ['xOf', out, 'model/b.txt'], { encoding: 'utf8' }).stdout).toBe(
      'after the large one\n',
    );
  }, 120000);

  it('a store copy that no longer matches its hash fails the export and leaves no file', async () => {
    const project = engine.openProject(dir);
    const hash = crypto.createHash('sha256').update(big).digest('hex');
    const loc = locateObject(project.db, project.objectsDir, hash)!;
    const fd = fs.openSync(loc.file, 'r+');
    fs.writeSync(fd, Buffer.from([0x42]), 0, 1, loc.offset + 19 * 1024 * 1024);
    fs.closeSync(fd);
    const outDir = path.join(t.dir, 'damaged-out');
    fs.mkdirSync(outDir);
    const job = await exportJob(path.join(outDir, 'damaged.tar'));
    expect(job.error?.code).toBe('DATA_INVALID');
    expect(job.error?.message).toContain("The store's copy of model/a.bin no longer matches its hash");
    expect(fs.readdirSync(outDir)).toEqual([]);
  }, 120000);
});

interface Entry {
  name: string;
  type?: EntryType;
  data?: Buffer;
  linkpath?: string;
  size?: number;
}

async function archive(name: string, entries: Entry[], gzip = false): Promise<string> {
  const file = path.join(t.dir, 'hostile', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const w = new TarWriter(file);
  w.file(MANIFEST_NAME, Buffer.from(JSON.stringify({ format: 'strata-bundle-1', files: [] })));
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    w.header(e.name, e.type && e.type !== 'File' ? 0 : data.length, { type: e.type, linkpath: e.linkpath });
    if (data.length && (!e.type || e.type === 'File')) await w.data(data);
    w.end();
  }
  await w.close();
  if (gzip) {
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
    fs.rmSync(file);
    return `${file}.gz`;
  }
  return file;
}

describe('hostile archives', () => {
  const outside = path.join(t.dir, 'evil.txt');
  const absTarget = path.join(t.dir, 'abs-evil.txt');
  const payload = Buffer.from('pwned');
  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      'path traversal',
      () => archive('traversal.tar', [{ name: 'model/../../../evil.txt', data: payload }]),
      /climbs out with \.\./,
    ],
    [
      'an absolute path',
      () => archive('absolute.tar', [{ name: absTarget, data: payload }]),
      /is an absolute path/,
    ],
    [
      'Windows separators',
      () => archive('backslash.tar', [{ name: 'model\\..\\..\\evil.txt', data: payload }]),
      /Windows separator/,
    ],
    [
      'a drive letter',
      () => archive('drive.tar', [{ name: 'C:/Windows/evil.txt', data: payload }]),
      /drive letter/,
    ],
    [
      'a symlink that escapes',
      () =>
        archive('symlink.tar', [
          { name: 'model/link', type: 'SymbolicLink', linkpath: t.dir },
          { name: 'model/link/evil.txt', data: payload },
        ]),
      /"model\/link" is a SymbolicLink to .*; a bundle holds only files and folders/,
    ],
    [
      'a hard link',
      () => archive('hardlink.tar', [{ name: 'model/h', type: 'Link', linkpath: '/etc/passwd' }]),
      /is a Link/,
    ],
    ['a FIFO', () => archive('fifo.tar', [{ name: 'model/pipe', type: 'FIFO' }]), /is a FIFO/],
    [
      'a device',
      () => archive('device.tar', [{ name: 'model/null', type: 'CharacterDevice' }]),
      /is a CharacterDevice/,
    ],
    [
      'a name twice',
      () =>
        archive('twice.tar', [
          { name: 'model/a', data: payload },
          { name: 'model/A', data: payload },
        ]),
      /appears twice/,
    ],
    [
      'a decompression bomb',
      () => archive('bomb.tar', [{ name: 'model/zeros.bin', data: Buffer.alloc(200 * 1024 * 1024) }], true),
      /expands to more than 100 times its size \(a decompression bomb\)/,
    ],
    [
      '50,000 entries',
      () =>
        archive(
          'many.tar',
          Array.from({ length: 50_000 }, (_, i) => ({ name: `model/f${i}` })),
        ),
      /more than 10000 entries/,
    ],
    [
      '2,000-level nesting',
      () => archive('deep.tar', [{ name: `${'d/'.repeat(2000)}evil.txt`, data: payload }]),
      /name longer than 1024 bytes|nested 2001 levels deep/,
    ],
    [
      'nesting under the length cap',
      () => archive('deep-short.tar', [{ name: `${'d/'.repeat(100)}f`, data: payload }]),
      /nested 101 levels deep \(at most 32\)/,
    ],
  ];

  it.each(cases)(
    '%s is refused on verify and on import, leaving nothing behind',
    async (_label, make, reason) => {
      const file = await make();
      await expect(verifyBundle(file)).rejects.toThrow(reason);
      const project = engine.openProject(dst);
      const versions = project.db.prepare('SELECT count(*) FROM versions').pluck().get();
      const err = await importBundle(project, file).catch((e: unknown) => e as Error & { code?: string });
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).toBe('BUNDLE_INVALID');
      expect((err as Error).message).toMatch(reason);
      expect(fs.existsSync(outside)).toBe(false);
      expect(fs.existsSync(absTarget)).toBe(false);
      expect(fs.readdirSync(importTempRoot(project))).toEqual([]);
      expect(project.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(versions);
    },
    120000,
  );

  it('a valid bundle still imports after them', async () => {
    const project = engine.openProject(dst);
    const r = await importBundle(project, bundle);
    expect(r).toMatchObject({ model: 'model', version: 1, existing: true, signature: { status: 'trusted' } });
  });
});

describe('what a bundle carries', () => {
  it('the lineage, the validation reports and the column statistics of the data the model was trained on', () => {
    const dir = path.join(t.dir, 'tabular');
    fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), dir, { recursive: true });
    fs.appendFileSync(
      path.join(dir, 'strata.yaml'),
      '\nvalidations:\n  customers:\n    rules:\n      - { column: tenure_months, min: 0 }\n',
    );
    expect(cli(dir, ['init']).code).toBe(0);
    const run = cli(dir, ['run']);
    expect(run.code, run.stderr).toBe(0);
    const out = path.join(t.dir, 'tabular.tar');
    expect(cli(dir, ['bundle', 'export', 'model@1', '-o', out]).code).toBe(0);
    const entry = (name: string) =>
      JSON.parse(spawnSync('tar', ['xOf', out, name], { encoding: 'utf8' }).stdout);
    const lineage = entry('lineage.json');
    expect(lineage.inputs.map((i: { artifact: string }) => i.artifact)).toContain('customers');
    expect(lineage.run.params).toBeTruthy();
    const validation = entry('validation.json');
    expect(validation).toContainEqual(
      expect.objectContaining({ artifact: 'customers', version: 1, status: 'pass' }),
    );
    const stats = entry('reference-statistics.json');
    const customers = stats.find((s: { artifact: string }) => s.artifact === 'customers');
    expect(customers.profile.rows).toBe(800);
    expect(customers.profile.columns.map((c: { name: string }) => c.name)).toContain('tenure_months');
  }, 180000);
});
