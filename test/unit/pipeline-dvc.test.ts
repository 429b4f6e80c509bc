import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StrataError } from '../../shared/errors.js';
import { loadConfig } from '../../electron/core/config/load.js';
import { planPipeline } from '../../electron/core/pipeline/plan.js';
import { startRun } from '../../electron/core/pipeline/runner.js';
import { Project } from '../../electron/core/project/project.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { dvcMd5 } from '../../electron/core/pipeline/dvc/md5.js';
import { DVC_STAGE_NAMES, md5, writeDvcProject, writeFiles } from '../helpers/dvc-project.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function dvcProject(write: (dir: string) => void): { dir: string; project: Project } {
  const { dir, cleanup } = tempDir('strata-dvc-');
  write(dir);
  const project = Project.open(dir);
  cleanups.push(cleanup, () => project.close());
  return { dir, project };
}

async function run(project: Project) {
  const r = await startRun(project).done;
  return { status: r.status, stages: Object.fromEntries(r.stages.map((s) => [s.stage, s])), run: r };
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const ran = (stages: Record<string, { status: string }>) =>
  Object.entries(stages)
    .filter(([, s]) => s.status === 'done')
    .map(([n]) => n);

describe('a DVC 3 project runs as DVC runs it', () => {
  it('expands vars, ${}, foreach and matrix into the stages DVC names, writes what DVC would, and skips as DVC does', async () => {
    const { dir, project } = dvcProject(writeDvcProject);
    const plan = await planPipeline(project);
    expect(plan.map((p) => p.stage)).toEqual(DVC_STAGE_NAMES);
    const prepare = plan.find((p) => p.stage === 'prepare')!;
    expect(prepare.desc).toBe('Split the raw data.\nSecond line of the description.\n');
    expect(prepare.meta).toEqual({ owner: 'ml-team', tags: ['data'] });
    expect(plan.find((p) => p.stage === 'legacy')).toMatchObject({
      state: 'frozen',
      frozen: true,
      run: false,
    });
    expect(plan.find((p) => p.stage === 'stamp')).toMatchObject({ alwaysChanged: true });

    const first = await run(project);
    expect(first.status).toBe('done');
    expect(ran(first.stages)).toEqual(DVC_STAGE_NAMES.filter((n) => n !== 'legacy'));
    expect(first.stages.legacy).toMatchObject({
      status: 'skipped',
      reason: 'frozen: not run (frozen: true)',
    });
    // What DVC's reference says each command becomes: floats as Python prints them, a map as
    // --key value (false as --no-key under `bool = boolean_optional`), lists as nargs.
    expect(read(dir, 'out/prepared.txt')).toBe('split=0.25 seed=7 batch=16\n');
    expect(read(dir, 'out/train-small.args')).toBe(
      'small --lr 1.0 --epochs 3 --flags.verbose --no-flags.quiet --layers 8 4\n',
    );
    expect(read(dir, 'out/train-large.args')).toMatch(/^large --lr 1.0 /);
    expect(read(dir, 'out/report-a.txt')).toBe('a=alpha yes it is\n');
    expect(read(dir, 'out/report-b.txt')).toBe('b=beta yes it is\n');
    expect(read(dir, 'out/sweep-adam-1.0.txt')).toBe('adam 1.0 adam-1.0\n');
    expect(read(dir, 'out/sweep-sgd-0.1.txt')).toBe('sgd 0.1 sgd-0.1\n');
    expect(read(dir, 'sub/result.txt')).toBe('sub input\ndeep 0.1 2.0\n');
    expect(read(dir, 'legacy/model.txt')).toBe('kept by hand\n');
    // top-level metrics, params, artifacts and the .dvc file
    expect(first.run.metrics.acc).toBe(0.5);
    expect(first.run.params['config/model.toml:optim.momentum']).toBe(0.9);
    expect(first.run.params['config/extra.json:labels.pos']).toBe('yes it is');
    expect(project.config.config.artifacts.classifier).toMatchObject({
      path: 'out/train-small.args',
      kind: 'model',
    });
    expect(project.config.config.artifacts['raw.csv']).toMatchObject({
      path: 'data/raw.csv',
      kind: 'dataset',
    });

    const second = await run(project);
    expect(ran(second.stages)).toEqual(['stamp', 'notify']);
    expect(second.stages.stamp.reason).toBe('always runs (always_changed: true)');
    expect(second.stages.notify.reason).toBe('always runs: it has no deps, params or outs (as in DVC)');
    expect(second.stages.legacy.reason).toMatch(/^frozen/);
    expect(read(dir, 'out/stamps.log')).toBe('stamped\nstamped\n');

    // A param read from the TOML file changes: the stages that declare it run. They write the same
    // bytes (the param is not in their command), so, as in DVC, the stage reading their outs stays skipped.
    fs.writeFileSync(
      path.join(dir, 'config/model.toml'),
      read(dir, 'config/model.toml').replace('0.9', '0.8'),
    );
    const third = await run(project);
    expect(ran(third.stages)).toEqual(['train@small', 'train@large', 'stamp', 'notify']);
    expect(third.stages['train@small'].reason).toBe(
      'params changed: config/model.toml:optim.momentum 0.9 → 0.8',
    );
  }, 180000);

  it('honours the dvc.lock of a project DVC already ran: stages whose md5s, params and command match are skipped', async () => {
    const { dir, project } = dvcProject((d) => {
      writeFiles(d, {
        'dvc.yaml': `stages:
  same:
    cmd: cp in.txt same.txt
    deps: [in.txt]
    params: [lr]
    outs: [same.txt]
  folder:
    cmd: mkdir -p outdir && cp datadir/* outdir/
    deps: [datadir]
    outs: [outdir]
  legacy:
    cmd: cp crlf.txt legacy.txt
    deps: [crlf.txt]
    outs: [legacy.txt]
  depchanged:
    cmd: cp in2.txt dep.txt
    deps: [in2.txt]
    outs: [dep.txt]
  paramchanged:
    cmd: grep epochs params.yaml > param.txt
    params: [epochs]
    outs: [param.txt]
  cmdchanged:
    cmd: echo new > cmd.txt
    outs: [cmd.txt]
  notcached:
    cmd: echo nc > nc.txt
    deps: [in.txt]
    outs: [nc.txt]
  unlocked:
    cmd: cp in.txt un.txt
    deps: [in.txt]
    outs: [un.txt]
`,
        'params.yaml': 'lr: 0.1\nepochs: 5\n',
        'in.txt': 'input\n',
        'in2.txt': 'changed after DVC ran\n',
        'same.txt': 'input\n',
        'datadir/a.txt': 'A\n',
        'datadir/données é.txt': 'accented\n',
        'outdir/a.txt': 'A\n',
        'outdir/données é.txt': 'accented\n',
        'crlf.txt': 'one\r\ntwo\r\n',
        'legacy.txt': 'one\r\ntwo\r\n',
        'dep.txt': 'old\n',
        'param.txt': '3\n',
        'cmd.txt': 'old\n',
        'nc.txt': 'nc\n',
      });
      // The md5s as DVC computes them, by Python's own hashlib and json.dumps (dvc-data's Tree.digest).
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          `import hashlib, json, os, sys
def dirmd5(p):
    files = sorted(os.path.relpath(os.path.join(r, f), p).replace(os.sep, '/') for r, _, fs in os.walk(p) for f in fs)
    lst = [{"md5": hashlib.md5(open(os.path.join(p, f), 'rb').read()).hexdigest(), "relpath": f} for f in files]
    return hashlib.md5(json.dumps(lst, sort_keys=True).encode()).hexdigest() + '.dir', lst
d = {"datadir": dirmd5("datadir"), "outdir": dirmd5("outdir"),
     "crlf": hashlib.md5(open("crlf.txt", "rb").read().replace(b"\\r\\n", b"\\n")).hexdigest()}
print(json.dumps(d))`,
        ],
        { cwd: d, encoding: 'utf8' },
      );
      expect(py.stderr).toBe('');
      const h = JSON.parse(py.stdout) as {
        datadir: [string, unknown];
        outdir: [string, { md5: string }[]];
        crlf: string;
      };
      const f = (rel: string) => md5(fs.readFileSync(path.join(d, rel)));
      const entry = (p: string, hash: string, legacy = false) =>
        `    - path: ${p}\n      md5: ${hash}\n${legacy ? '' : '      hash: md5\n'}`;
      writeFiles(d, {
        'dvc.lock': `schema: '2.0'
stages:
  same:
    cmd: cp in.txt same.txt
    deps:
${entry('in.txt', f('in.txt'))}    params:
      params.yaml:
        lr: 0.1
    outs:
${entry('same.txt', f('same.txt'))}  folder:
    cmd: mkdir -p outdir && cp datadir/* outdir/
    deps:
${entry('datadir', h.datadir[0])}    outs:
${entry('outdir', h.outdir[0])}  legacy:
    cmd: cp crlf.txt legacy.txt
    deps:
${entry('crlf.txt', h.crlf, true)}    outs:
${entry('legacy.txt', h.crlf, true)}  depchanged:
    cmd: cp in2.txt dep.txt
    deps:
${entry('in2.txt', md5('the content DVC saw\n'))}    outs:
${entry('dep.txt', f('dep.txt'))}  paramchanged:
    cmd: grep epochs params.yaml > param.txt
    params:
      params.yaml:
        epochs: 3
    outs:
${entry('param.txt', f('param.txt'))}  cmdchanged:
    cmd: echo old > cmd.txt
    outs:
${entry('cmd.txt', f('cmd.txt'))}  notcached:
    cmd: echo nc > nc.txt
    deps:
${entry('in.txt', f('in.txt'))}    outs:
${entry('nc.txt', f('nc.txt'))}`,
      });
      // DVC's cache holds what it stored: files/md5/ab/cdef… (DVC 3), ab/cdef… (DVC 2); nc.txt is not there.
      const put = (hash: string, legacy = false) => {
        const at = path.join(d, '.dvc/cache', legacy ? '' : 'files/md5', hash.slice(0, 2), hash.slice(2));
        fs.mkdirSync(path.dirname(at), { recursive: true });
        fs.writeFileSync(at, '');
      };
      for (const p of ['same.txt', 'dep.txt', 'param.txt', 'cmd.txt']) put(f(p));
      put(h.outdir[0]);
      for (const e of h.outdir[1]) put(e.md5);
      put(h.crlf, true);
    });
    const first = await run(project);
    expect(first.status).toBe('done');
    const reasons = Object.fromEntries(
      Object.entries(first.stages).map(([n, s]) => [n, `${s.status}: ${s.reason}`]),
    );
    const skipped = 'skipped: up to date per dvc.lock (DVC ran it with these deps, params and outs)';
    expect(reasons).toEqual({
      same: skipped,
      folder: skipped,
      legacy: skipped,
      depchanged: 'done: never run by Strata; dvc.lock: dep in2.txt changed since DVC ran it',
      paramchanged:
        'done: never run by Strata; dvc.lock: param epochs of params.yaml changed since DVC ran it',
      cmdchanged: 'done: never run by Strata; dvc.lock: command changed since DVC ran it',
      notcached: "done: never run by Strata; dvc.lock: out nc.txt not in DVC's cache since DVC ran it",
      unlocked: 'done: never run successfully before',
    });
    expect(read(dir, 'param.txt')).toBe('epochs: 5\n');

    // DVC's run became Strata's: everything is up to date now, and an out deleted comes back from Strata's store.
    const second = await run(project);
    expect(ran(second.stages)).toEqual([]);
    fs.rmSync(path.join(dir, 'same.txt'));
    const third = await run(project);
    expect(third.stages.same.reason).toBe('up to date; missing outs restored from the store: same.txt');
    expect(read(dir, 'same.txt')).toBe('input\n');
  }, 180000);

  it('a dvc.lock it cannot read (an older schema) is not used: the stages run, the run does not fail', async () => {
    const { project } = dvcProject((d) =>
      writeFiles(d, {
        'dvc.yaml': 'stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n',
        'dvc.lock': 'a:\n  cmd: echo a > a.txt\n',
      }),
    );
    const r = await run(project);
    expect(r.status).toBe('done');
    expect(r.stages.a.reason).toMatch(/^never run by Strata; dvc.lock not used \(dvc.lock:1:1: schema: /);
  }, 60000);
});

describe('dvc.yaml files in subfolders', () => {
  it('run from their folder with their own params.yaml and dvc.lock, named sub/dvc.yaml:stage as DVC addresses them', async () => {
    const { dir, project } = dvcProject((d) => {
      writeFiles(d, {
        'dvc.yaml':
          'stages:\n  prep:\n    cmd: mkdir -p data && echo clean > data/clean.txt\n    outs: [data/clean.txt]\n',
        'models/params.yaml': 'lr: 0.5\n',
        'models/dvc.yaml': `stages:
  train:
    cmd: cat ../data/clean.txt > model.txt && echo lr=\${lr} >> model.txt
    deps: [../data/clean.txt]
    params: [lr]
    outs: [model.txt]
  eval:
    cmd: echo done > eval.txt
    outs: [eval.txt]
`,
        'models/eval.txt': 'done\n',
      });
      const hash = md5('done\n');
      writeFiles(d, {
        'models/dvc.lock': `schema: '2.0'\nstages:\n  eval:\n    cmd: echo done > eval.txt\n    outs:\n    - path: eval.txt\n      md5: ${hash}\n      hash: md5\n`,
        [`.dvc/cache/files/md5/${hash.slice(0, 2)}/${hash.slice(2)}`]: 'done\n',
      });
    });
    expect((await planPipeline(project)).map((p) => p.stage)).toEqual([
      'prep',
      'models/dvc.yaml:train',
      'models/dvc.yaml:eval',
    ]);
    const r = await run(project);
    expect(r.status).toBe('done');
    expect(ran(r.stages)).toEqual(['prep', 'models/dvc.yaml:train']);
    expect(r.stages['models/dvc.yaml:eval'].reason).toBe(
      'up to date per dvc.lock (DVC ran it with these deps, params and outs)',
    );
    expect(read(dir, 'models/model.txt')).toBe('clean\nlr=0.5\n');
    expect(r.run.params['models/params.yaml:lr']).toBe(0.5);
  }, 120000);
});

describe('frozen stages', () => {
  it('cut the walk upstream as in DVC, never run, and fail the run when their outs are missing', async () => {
    const { dir, project } = dvcProject((d) =>
      writeFiles(d, {
        'dvc.yaml': `stages:
  up:
    cmd: echo up > up.txt
    outs: [up.txt]
  fz:
    cmd: cp up.txt fz.txt
    deps: [up.txt]
    outs: [fz.txt]
    frozen: true
  down:
    cmd: cp fz.txt down.txt
    deps: [fz.txt]
    outs: [down.txt]
`,
        'fz.txt': 'frozen content\n',
      }),
    );
    const only = await startRun(project, { stages: ['down'] }).done;
    expect(only.stages.map((s) => `${s.stage} ${s.status}`)).toEqual(['fz skipped', 'down done']);
    expect(fs.existsSync(path.join(dir, 'up.txt'))).toBe(false);
    expect(read(dir, 'down.txt')).toBe('frozen content\n');

    fs.rmSync(path.join(dir, 'fz.txt'));
    const missing = await startRun(project).done;
    expect(missing.status).toBe('failed');
    expect(missing.stages.find((s) => s.stage === 'fz')).toMatchObject({
      status: 'failed',
      reason: 'frozen, and its outs are missing: fz.txt (unfreeze it to run it)',
    });
    expect(fs.existsSync(path.join(dir, 'fz.txt'))).toBe(false);
  }, 120000);
});

describe('dvc.yaml errors name the file, line and column', () => {
  function loadError(files: Record<string, string>): StrataError {
    const { dir, cleanup } = tempDir('strata-dvc-err-');
    cleanups.push(cleanup);
    writeFiles(dir, files);
    try {
      loadConfig(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(StrataError);
      const e = err as StrataError;
      e.where!.file = path.relative(dir, e.where!.file);
      return e;
    }
    throw new Error('loaded without error');
  }

  it('an undefined variable is an error at its ${, never an empty string', () => {
    const e = loadError({ 'dvc.yaml': 'stages:\n  a:\n    cmd: echo ${nope.deeper} done\n' });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe(
      "stages.a.cmd: undefined variable in ${nope.deeper}: could not find 'nope.deeper'",
    );
    expect(e.where).toEqual({ file: 'dvc.yaml', line: 3, column: 15 });
  });

  it('a generated stage names itself, and points into the template', () => {
    const e = loadError({
      'dvc.yaml': 'stages:\n  t:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${item.x}\n',
    });
    expect(e.message).toBe(
      "stages.t@1.cmd: undefined variable in ${item.x}: could not find 'item.x': item is a int, it has no 'x'",
    );
    expect(e.where).toEqual({ file: 'dvc.yaml', line: 5, column: 17 });
  });

  it('refuses what DVC refuses (foreach over a scalar, a list in deps, a redefined var, interpolated vars) and paths that leave the project once interpolated', () => {
    expect(
      loadError({ 'dvc.yaml': 'vars:\n  - n: 3\nstages:\n  t:\n    foreach: ${n}\n    do: {cmd: x}\n' }),
    ).toMatchObject({
      message: 'stages.t.foreach: expected a list or a map, got int',
      where: { file: 'dvc.yaml', line: 5, column: 14 },
    });
    expect(
      loadError({ 'dvc.yaml': 'vars:\n  - l: [a, b]\nstages:\n  t:\n    cmd: x\n    deps:\n      - ${l}\n' }),
    ).toMatchObject({
      message: "stages.t.deps[0]: cannot interpolate data of type 'list' in ${l}",
      where: { line: 7, column: 9 },
    });
    expect(
      loadError({ 'params.yaml': 'lr: 1\n', 'dvc.yaml': 'vars:\n  - lr: 2\nstages:\n  t:\n    cmd: x\n' }),
    ).toMatchObject({
      message: "vars[0]: cannot redefine 'lr' from 'vars[0]' as it already exists in 'params.yaml'",
      where: { line: 2, column: 5 },
    });
    expect(loadError({ 'dvc.yaml': 'vars:\n  - ${x}.yaml\nstages: {}\n' })).toMatchObject({
      message: 'vars[0]: interpolating is not allowed in vars',
      where: { line: 2, column: 5 },
    });
    expect(
      loadError({
        'dvc.yaml': 'vars:\n  - up: ..\nstages:\n  t:\n    cmd: x\n    outs:\n      - ${up}/x.txt\n',
      }),
    ).toMatchObject({
      message: 'stages.t.outs.0: ../x.txt is outside the project; paths must stay inside it',
      where: { line: 7, column: 9 },
    });
    expect(loadError({ 'dvc.yaml': 'vars:\n  - ../p.yaml\nstages: {}\n' })).toMatchObject({
      message: 'vars[0]: ../p.yaml is outside the project; paths must stay inside it',
    });
    expect(loadError({ 'dvc.yaml': 'vars:\n  - missing.yaml\nstages: {}\n' })).toMatchObject({
      message: "vars[0]: 'missing.yaml' does not exist",
      where: { line: 2, column: 5 },
    });
  });

  it('params files: Python and TOML errors point into the params file', () => {
    expect(
      loadError({ 'p.py': 'A = 1\nB = "open\n', 'dvc.yaml': 'vars:\n  - p.py\nstages: {}\n' }),
    ).toMatchObject({ where: { file: 'p.py', line: 2, column: 5 } });
    expect(
      loadError({ 'p.toml': 'a = 1\nb = = 2\n', 'dvc.yaml': 'vars:\n  - p.toml\nstages: {}\n' }),
    ).toMatchObject({ where: { file: 'p.toml', line: 2 } });
  });

  it('the CLI shows frozen stages and descriptions', () => {
    const { dir, cleanup } = tempDir('strata-dvc-cli-');
    cleanups.push(cleanup);
    writeFiles(dir, {
      'dvc.yaml':
        'stages:\n  a:\n    cmd: "true"\n    desc: Makes a.\n  b:\n    cmd: "false"\n    frozen: true\n',
    });
    const r = runCli(['run', '--dry', '--project', dir]);
    expect(r.stdout).toBe(
      'a                would run   always runs: it has no deps, params or outs (as in DVC)\n' +
        '                 Makes a.\n' +
        'b                frozen      frozen: not run (frozen: true)\n',
    );
  }, 60000);

  it('the CLI prints file:line:column', () => {
    const { dir, cleanup } = tempDir('strata-dvc-cli-');
    cleanups.push(cleanup);
    writeFiles(dir, { 'dvc.yaml': 'stages:\n  a:\n    cmd: echo ${missing}\n' });
    const r = runCli(['run', '--dry', '--project', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${path.join(dir, 'dvc.yaml')}:3:15: stages.a.cmd: undefined variable in \${missing}`,
    );
  }, 60000);
});

describe('DVC hashes of special files', () => {
  it('a FIFO dependency is refused by name instead of holding a pool thread until a writer comes', async () => {
    const { dir, cleanup } = tempDir('strata-dvc-fifo-');
    cleanups.push(cleanup);
    const fifo = path.join(dir, 'dep');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const hashed = dvcMd5(fifo);
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 5000)));
    try {
      const outcome = await Promise.race([
        hashed.then(
          () => 'hashed',
          (err: unknown) => err,
        ),
        hang,
      ]);
      expect(outcome).toBeInstanceOf(StrataError);
      expect(outcome).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining(`${fifo} is a FIFO, not a regular file`),
        where: { file: fifo },
      });
    } finally {
      clearTimeout(timer);
      // Releases a blocked open (the open succeeds once a writer is there), so nothing outlives the test.
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: no reader is waiting, which is the outcome wanted.
      }
      await hashed.catch(() => undefined);
    }
  });
});
