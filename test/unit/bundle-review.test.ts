// What a bundle carries of its run's code, and opening a bundle for review without a project: a
// model trained from a dirty working tree is exported; its bundle holds the stored diff byte for
// byte (a changed byte fails verify), and `strata bundle import` outside any project verifies it,
// extracts it read-only into a review folder and shows its lineage, through the same call the UI has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BundleImportResult, BundleReview } from '../../shared/api/bundle.js';
import type { RunDetail } from '../../shared/api/runs.js';
import { Engine } from '../../electron/core/engine.js';
import { reviewRoot } from '../../electron/core/bundle/review.js';
import { verifyBundle } from '../../electron/core/bundle/verify.js';
import { locateObject } from '../../electron/core/store/packs.js';
import { runCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-bundle-review-');
const home = path.join(t.dir, 'home');
const env = {
  STRATA_HOME: home,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};
const proj = path.join(t.dir, 'proj');
/** No strata.yaml or .strata/ here or above: outside any project. */
const elsewhere = path.join(t.dir, 'elsewhere');
const bundle = path.join(t.dir, 'model.tar');
const engine = new Engine({ services: [], rememberRecent: false });
const cli = (args: string[], cwd = proj) => runCli(args, { cwd, env });
const git = (...args: string[]) => {
  const r = spawnSync('git', args, { cwd: proj, env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
};
let run: RunDetail;
let commit: string;

// A change with a line that has no newline at its end and non-ASCII text: bytes, not lines, must match.
const TRAIN_DIRTY = `import fs from 'node:fs';\n// DIRTY-CHANGE: weights × 2, naïve\nfs.mkdirSync('out', { recursive: true });\nfs.writeFileSync('out/model.json', JSON.stringify({ w: [2, 4] }));`;

const UNTRACKED = 'export const UNTRACKED_SCALE = 2; // naïve\n';

beforeAll(() => {
  process.env.STRATA_HOME = home;
  fs.mkdirSync(elsewhere, { recursive: true });
  fs.mkdirSync(proj, { recursive: true });
  fs.writeFileSync(
    path.join(proj, 'strata.yaml'),
    `artifacts:\n  model: { path: out/model.json, kind: model }\nstages:\n  train:\n    cmd: node train.mjs\n    deps: [train.mjs]\n    outs: [out/model.json]\n`,
  );
  fs.writeFileSync(
    path.join(proj, 'train.mjs'),
    `import fs from 'node:fs';\nfs.mkdirSync('out', { recursive: true });\nfs.writeFileSync('out/model.json', JSON.stringify({ w: [1, 2] }));\n`,
  );
  fs.writeFileSync(path.join(proj, 'notes.txt'), 'first\n');
  fs.writeFileSync(path.join(proj, '.gitignore'), '.strata/\nout/\n');
  expect(cli(['init']).code).toBe(0);
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'first');
  commit = git('rev-parse', 'HEAD');
  // Uncommitted: the training script and a second tracked file changed, a third removed.
  fs.writeFileSync(path.join(proj, 'train.mjs'), TRAIN_DIRTY);
  fs.writeFileSync(path.join(proj, 'notes.txt'), 'first\nsecond\nthird\n');
  // Untracked (never added, not ignored): the run's code state keeps it, the bundle must carry it.
  fs.mkdirSync(path.join(proj, 'helpers'));
  fs.writeFileSync(path.join(proj, 'helpers', 'scale.mjs'), UNTRACKED);
  const r = cli(['run', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const runId = JSON.parse(r.stdout).id as string;
  const shown = cli(['show', runId, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  run = JSON.parse(shown.stdout);
  const ex = cli(['bundle', 'export', 'model@1', '-o', bundle, '--sign']);
  expect(ex.code, ex.stderr).toBe(0);
}, 180000);

afterAll(async () => {
  await engine.shutdown();
  t.cleanup();
});

describe("the run's stored diff in the bundle", () => {
  it('is carried whole as code/diff.patch, byte for byte the stored one, listed with its sha256', async () => {
    expect(run.code.state).toBe('recorded');
    if (run.code.state !== 'recorded' || !run.code.diff) throw new Error('no diff recorded');
    const project = engine.openProject(proj);
    const loc = locateObject(project.db, project.objectsDir, run.code.diff.sha256)!;
    const storedDiff = Buffer.alloc(loc.size);
    const fd = fs.openSync(loc.file, 'r');
    fs.readSync(fd, storedDiff, 0, loc.size, loc.offset);
    fs.closeSync(fd);
    expect(storedDiff.toString('utf8')).toContain('DIRTY-CHANGE: weights × 2, naïve');

    const inBundle = spawnSync('tar', ['xOf', bundle, 'code/diff.patch']).stdout;
    expect(inBundle.equals(storedDiff)).toBe(true);
    const manifest = JSON.parse(
      spawnSync('tar', ['xOf', bundle, 'strata-bundle.json'], { encoding: 'utf8' }).stdout,
    );
    expect(manifest.files).toContainEqual({
      path: 'code/diff.patch',
      size: storedDiff.length,
      sha256: crypto.createHash('sha256').update(storedDiff).digest('hex'),
    });
    const lineage = JSON.parse(
      spawnSync('tar', ['xOf', bundle, 'lineage.json'], { encoding: 'utf8' }).stdout,
    );
    expect(lineage.run.code).toMatchObject({
      state: 'recorded',
      commit,
      diff: { sha256: run.code.diff.sha256 },
    });
  });

  it('a changed byte in the diff fails verify', async () => {
    const bytes = fs.readFileSync(bundle);
    // The diff's data follows its 512-byte tar header, whose name field starts the block.
    const header = bytes.indexOf('code/diff.patch\0');
    expect(header % 512).toBe(0);
    const at = bytes.indexOf('DIRTY-CHANGE', header + 512);
    expect(at).toBeGreaterThan(header);
    bytes[at] ^= 0x20;
    const tampered = path.join(t.dir, 'tampered-diff.tar');
    fs.writeFileSync(tampered, bytes);
    const v = cli(['bundle', 'verify', tampered], elsewhere);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('code/diff.patch does not match its sha256 (changed or damaged)');
    expect((await verifyBundle(bundle)).ok).toBe(true);
  });

  it('an import into a project says which commit and change the model was trained from', () => {
    const dst = path.join(t.dir, 'dst');
    fs.mkdirSync(dst);
    expect(cli(['init'], dst).code).toBe(0);
    const im = cli(['bundle', 'import', bundle, '--json'], dst);
    expect(im.code, im.stderr).toBe(0);
    const r = JSON.parse(im.stdout) as BundleImportResult;
    expect(r.code).toMatchObject({ state: 'recorded', commit });
    expect(r.diff).toMatchObject({ files: 2, added: 4, deleted: 1 });
    const text = cli(['bundle', 'import', bundle], dst);
    expect(text.stdout).toContain(`code  commit ${commit}`);
    expect(text.stdout).toContain('diff  2 files, +4 -1');
  });

  it('the imported version is marked as imported, with the lineage its bundle carried (show, versions, the call)', async () => {
    const dst = path.join(t.dir, 'dst');
    const fingerprint = (await verifyBundle(bundle)).signature.fingerprint;
    expect(fingerprint).toBeTruthy();
    const shown = cli(['show', 'model@1'], dst);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(`imported from bundle model\\.tar \\(model@1\\) · signed by ${fingerprint} · on \\d{4}-`),
    );
    expect(shown.stdout).toContain(
      `run      ${run.id}  ${run.name}  ${run.status}  (ran where the bundle came from: read-only`,
    );
    expect(shown.stdout).toContain(`code     commit ${commit}`);
    const json = JSON.parse(cli(['show', 'model@1', '--json'], dst).stdout);
    expect(json.imported).toMatchObject({
      version: 1,
      file: 'model.tar',
      origin: 'model@1',
      signer: fingerprint,
      lineageProblem: null,
      lineage: { run: { id: run.id }, code: { state: 'recorded', commit } },
    });
    const versions = cli(['versions', 'model'], dst);
    expect(versions.stdout).toContain(`imported from bundle model.tar (model@1) · signed by ${fingerprint}`);
    // A version made here carries no mark: the source project's own model@1 was not imported.
    expect(cli(['show', 'model@1'], proj).stdout).not.toContain('imported from bundle');
    expect(JSON.parse(cli(['show', 'model@1', '--json'], proj).stdout).imported).toBeNull();
  });
});

describe("the run's untracked files in the bundle", () => {
  it('are carried under code/untracked/<path>, byte for byte, each listed with its sha256 and size', () => {
    if (run.code.state !== 'recorded') throw new Error('no code state recorded');
    expect(run.code.untracked.files).toEqual([
      { path: 'helpers/scale.mjs', bytes: Buffer.byteLength(UNTRACKED) },
    ]);
    const inBundle = spawnSync('tar', ['xOf', bundle, 'code/untracked/helpers/scale.mjs']).stdout;
    expect(inBundle.toString('utf8')).toBe(UNTRACKED);
    const manifest = JSON.parse(
      spawnSync('tar', ['xOf', bundle, 'strata-bundle.json'], { encoding: 'utf8' }).stdout,
    );
    expect(manifest.files).toContainEqual({
      path: 'code/untracked/helpers/scale.mjs',
      size: inBundle.length,
      sha256: crypto.createHash('sha256').update(inBundle).digest('hex'),
    });
  });

  it('a changed byte in an untracked file fails verify', () => {
    const bytes = fs.readFileSync(bundle);
    const header = bytes.indexOf('code/untracked/helpers/scale.mjs\0');
    expect(header % 512).toBe(0);
    const at = bytes.indexOf('UNTRACKED_SCALE = 2', header + 512);
    expect(at).toBeGreaterThan(header);
    bytes[at + 'UNTRACKED_SCALE = '.length] = '3'.charCodeAt(0);
    const tampered = path.join(t.dir, 'tampered-untracked.tar');
    fs.writeFileSync(tampered, bytes);
    const v = cli(['bundle', 'verify', tampered], elsewhere);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(
      'code/untracked/helpers/scale.mjs does not match its sha256 (changed or damaged)',
    );
  });

  it('bundle review lists them (text, --json and the HTML page)', () => {
    const r = cli(['bundle', 'review', bundle, '--json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    const review = JSON.parse(r.stdout) as BundleReview;
    expect(review.untracked).toEqual([
      {
        path: 'helpers/scale.mjs',
        bytes: Buffer.byteLength(UNTRACKED),
        sha256: crypto.createHash('sha256').update(UNTRACKED).digest('hex'),
      },
    ]);
    const text = cli(['bundle', 'review', bundle], elsewhere);
    expect(text.stdout).toContain('untracked 1 file, 44 B, in the bundle under code/untracked/');
    expect(text.stdout).toMatch(/44 B {2}helpers\/scale\.mjs/);
    const out = path.join(t.dir, 'review-untracked.html');
    expect(cli(['bundle', 'review', bundle, '--html', out], elsewhere).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('Untracked files: 1, in the bundle under code/untracked/');
  });
});

describe('strata bundle import outside a project opens the bundle for review', () => {
  it('verifies it, extracts it read-only into a review folder and shows what it carries', () => {
    const r = cli(['bundle', 'import', bundle, '--json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    const review = JSON.parse(r.stdout) as BundleReview;
    expect(review.verify).toMatchObject({ ok: true, signature: { status: 'trusted' } });
    expect(review.model).toMatchObject({ name: 'model', version: 1, path: 'out/model.json' });
    expect(review.run?.id).toBe(run.id);
    expect(review.code).toMatchObject({ state: 'recorded', commit });
    expect(review.diff?.files).toEqual([
      { path: 'notes.txt', added: 2, deleted: 0, binary: false },
      { path: 'train.mjs', added: 2, deleted: 1, binary: false },
    ]);
    expect(review.unreadable).toEqual([]);
    // Nothing was imported anywhere: no project was made here.
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    // The extracted copy: every file as the manifest says, none writable.
    expect(path.dirname(review.folder)).toBe(reviewRoot());
    for (const f of review.files) {
      const p = path.join(review.folder, ...f.path.split('/'));
      expect(crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'), f.path).toBe(f.sha256);
      expect(fs.statSync(p).mode & 0o222, f.path).toBe(0);
    }
    expect(fs.readFileSync(review.diff!.path, 'utf8')).toContain('DIRTY-CHANGE');

    const text = cli(['bundle', 'import', bundle], elsewhere);
    expect(text.code, text.stderr).toBe(0);
    for (const line of [
      'No Strata project here: the bundle is opened for review, not imported.',
      'model@1  verified, signed by a trusted key',
      `code      commit ${commit}`,
      'diff      2 files, +4 -1',
      '+2 -1      train.mjs',
      `Run ${run.id}`,
      'Environment  Python',
      'Input example',
    ])
      expect(text.stdout).toContain(line);
  });

  it('the same call answers the UI: bundle.review through the engine, no project open', async () => {
    const fresh = new Engine({ services: [], rememberRecent: false });
    try {
      const review = await fresh.invoke('bundle.review', { file: bundle });
      expect(review.diff?.text).toContain('DIRTY-CHANGE');
      expect(review.diff?.truncated).toBe(false);
      expect(review.datasets).toEqual([]);
      expect(review.gates?.status).toBe('none');
    } finally {
      await fresh.shutdown();
    }
  });

  it('--html writes the review as one self-contained page', () => {
    const out = path.join(t.dir, 'review.html');
    const r = cli(['bundle', 'review', bundle, '--html', out, '--json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).file).toBe(out);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<title>Review of bundle model@1</title>');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`commit ${commit}`);
    expect(html).toContain('// DIRTY-CHANGE: weights × 2, naïve');
    expect(html).toContain('signed by a trusted key');
  });

  it('keeps the newest five reviews, and removes what a dead extraction left', async () => {
    engine.openProject(proj);
    const stale = path.join(reviewRoot(), '.extract-dead');
    const fresh = path.join(reviewRoot(), '.extract-running');
    for (const d of [stale, fresh]) fs.mkdirSync(d, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
    const folders: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Each export is another bundle (its manifest has the time it was made).
      const out = path.join(t.dir, `again-${i}.tar`);
      const { jobId } = await engine.invoke('bundle.export', { model: 'model@1', out });
      expect((await engine.invoke('jobs.wait', { id: jobId })).error).toBeFalsy();
      folders.push((await engine.invoke('bundle.review', { file: out })).folder);
    }
    expect(new Set(folders).size).toBe(6);
    const left = fs.readdirSync(reviewRoot()).filter((n) => !n.startsWith('.'));
    expect(left).toHaveLength(5);
    expect(left).toContain(path.basename(folders[5]));
    expect(left).not.toContain(path.basename(folders[0]));
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    fs.rmSync(fresh, { recursive: true });
  });

  it('a tampered bundle is refused and leaves nothing in the review folder', () => {
    const before = fs.readdirSync(reviewRoot()).sort();
    const bytes = fs.readFileSync(bundle);
    bytes[bytes.indexOf('"w":[2,4]') + 6] ^= 0x01;
    const tampered = path.join(t.dir, 'tampered-model.tar');
    fs.writeFileSync(tampered, bytes);
    const r = cli(['bundle', 'import', tampered], elsewhere);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('tampered-model.tar is refused: model/model.json does not match its sha256');
    expect(fs.readdirSync(reviewRoot()).sort()).toEqual(before);
  });
});
