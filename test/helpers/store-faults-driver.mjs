// Runs one store operation (add, checkout or gc) again and again, its n-th file-system call failing
// each time, and after each reports on one JSON line whether the fault fired, how the operation
// ended, and whether the store and database were consistent afterwards and the operation then
// worked. Started by test/unit/store-faults.test.ts with fs-faults.cjs preloaded into every thread:
//   node --require test/helpers/fs-faults.cjs test/helpers/store-faults-driver.mjs <op>
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The compiled engine (out/, built by the test): plain JavaScript, so this runs without tsx, whose
// registration every worker thread would otherwise repeat (several per trial).
const compiled = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'out',
  'electron',
  'core',
);
const engine = (rel) => import(pathToFileURL(path.join(compiled, rel)).href);
const { Project } = await engine('project/project.js');
const { hashPath, recordVersion } = await engine('store/api.js');
const { checkout } = await engine('store/checkout.js');
const { fsck } = await engine('store/fsck.js');
const { gc } = await engine('store/gc.js');
const { stopAllWorkers } = await engine('jobs/worker.js');
const { objectPath } = await engine('store/objects.js');
const { insertPacked, PackWriter } = await engine('store/packs.js');
const { resolveRef } = await engine('store/repo.js');

const op = process.argv[2];
const CODES = ['EIO', 'ENOSPC', 'EACCES'];
const root = process.env.STRATA_FAULT_ROOT;
const log = process.env.STRATA_FAULT_LOG;
const specFile = process.env.STRATA_FAULT_SPEC;
const arm = (spec) => fs.writeFileSync(specFile, spec);
const template = path.join(root, 'template');

const write = (dir, rel, data) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), data);
};
const big = (seed) => {
  const out = Buffer.alloc((2 << 20) + 17);
  for (let i = 0; i < out.length; i += 32)
    crypto.createHash('sha256').update(`${seed}${i}`).digest().copy(out, i);
  return out;
};

/** The state every trial starts from, made once (without faults) and copied per trial. */
async function makeTemplate() {
  const p = Project.init(template);
  write(template, 'data/a.csv', 'x,y\n1,2\n');
  write(template, 'data/sub/b.csv', 'x,y\n3,4\n');
  write(template, 'data/big.bin', big('one'));
  await recordVersion(p, { path: 'data', source: 'manual' });
  // The workspace moves on: a changed file, a new one, a new large content.
  write(template, 'data/a.csv', 'x,y\n1,2\n5,6\n');
  write(template, 'data/c.csv', 'x,y\n7,8\n');
  write(template, 'data/big.bin', big('two'));
  if (op !== 'add') await recordVersion(p, { path: 'data', source: 'manual' });
  if (op === 'gc') {
    // Garbage of every kind gc removes: a pack no row names, a pack holding a dead content next to
    // a live one, and a loose object no version uses.
    const orphan = new PackWriter(p.objectsDir);
    orphan.add(sha('lost'), Buffer.from('lost'));
    orphan.finish();
    const mixed = new PackWriter(p.objectsDir);
    mixed.add(sha('x,y\n3,4\n'), Buffer.from('x,y\n3,4\n'));
    mixed.add(sha('dead weight'), Buffer.from('dead weight'));
    const batches = mixed.finish();
    p.db.transaction(() => insertPacked(p.db, batches))();
    const loose = big('loose');
    write(p.objectsDir, path.relative(p.objectsDir, objectPath(p.objectsDir, sha(loose))), loose);
  }
  p.close();
  await stopAllWorkers();
}

function sha(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

async function operate(p) {
  if (op === 'add') await recordVersion(p, { path: 'data', source: 'manual' });
  else if (op === 'checkout') await checkout(p, 'data', '1');
  else await gc(p, { apply: true, graceMs: 0 });
}

/** After the fault: the operation again, without one, must work and leave what it promises. */
async function retryAndCheck(p) {
  if (op === 'add') {
    const v = await recordVersion(p, { path: 'data', source: 'manual' });
    if (v.version !== 2) return `the retried add made version ${v.version}, not 2`;
    if ((await hashPath(p, 'data')) !== v.rootHash)
      return 'the recorded version is not what the folder holds';
  } else if (op === 'checkout') {
    // A checkout stopped midway leaves some files of each version (each replaced atomically): that
    // mix is in no version, so finishing it takes --force.
    await checkout(p, 'data', '1', { force: true });
    if ((await hashPath(p, 'data')) !== resolveRef(p, 'data', '1').rootHash)
      return 'the workspace is not version 1';
  } else {
    // fsck (before this) found every content the versions name intact; gc must now finish the job.
    await gc(p, { apply: true, graceMs: 0 });
    const again = await gc(p, { apply: false, graceMs: 0 });
    if (again.unreferenced !== 0) return `gc left ${again.unreferenced} unreferenced objects`;
  }
  return null;
}

/** Consistency without faults: fsck clean, SQLite's own checks clean, no temp file left. */
async function consistent(p) {
  const report = await fsck(p);
  if (!report.ok) return `fsck: ${JSON.stringify(report)}`;
  const integrity = p.db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') return `integrity_check: ${String(integrity)}`;
  const fk = p.db.pragma('foreign_key_check');
  if (fk.length) return `foreign_key_check: ${JSON.stringify(fk)}`;
  return null;
}

const firedIn = (trial) =>
  fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.trial === trial);

async function trial(thread, n, code) {
  const id = `${op}-${thread}-${n}-${code}`;
  const dir = path.join(root, id);
  fs.cpSync(template, dir, { recursive: true });
  const p = Project.open(dir);
  let outcome;
  arm(`${thread} ${n} ${code} ${id}`);
  try {
    await operate(p);
    outcome = { ok: true };
  } catch (err) {
    const e = err;
    // The compiled engine's StrataError is another class than the sources': known by its name.
    outcome = {
      ok: false,
      code: String(e.code),
      message: String(e.message),
      strata: err.name === 'StrataError',
    };
  } finally {
    arm('');
  }
  const calls = firedIn(id);
  let problem;
  try {
    problem = n === 0 ? null : ((await consistent(p)) ?? (await retryAndCheck(p)));
  } catch (err) {
    problem = `after the fault: ${err.message}`;
  }
  p.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { op, thread, n, code, outcome, calls, problem };
}

arm('');
await makeTemplate();
for (const thread of ['main', 'worker']) {
  const counted = await trial(thread, 0, 'EIO');
  if (!counted.outcome.ok) throw new Error(`${op} fails without a fault: ${JSON.stringify(counted.outcome)}`);
  const total = counted.calls.length;
  console.log(JSON.stringify({ op, thread, total }));
  // Each n fails with one of the three codes in turn, so all three meet every kind of call.
  for (let n = 1; n <= total; n++) {
    const r = await trial(thread, n, CODES[(n - 1) % CODES.length]);
    console.log(JSON.stringify({ ...r, calls: undefined, fired: r.calls.find((c) => c.fired) ?? null }));
  }
}
