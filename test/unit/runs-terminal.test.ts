import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestInbox } from '../../electron/core/runs/inbox.js';
import { runDetail, runLogs } from '../../electron/core/runs/repo.js';
import { repoRoot } from '../helpers/cli.js';
import { makeProject, type Fixture } from './runs-fixture.js';

// Debian's python3 has scikit-learn; a pyenv python3 first on PATH may not.
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import sklearn, matplotlib'], { stdio: 'ignore' }).status === 0,
);
const pythonNoMpl = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0,
);

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

const git = (cwd: string, ...args: string[]) =>
  spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });

const script = (withFigure: boolean) => `
import strata
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
strata.autolog()
X, y = make_classification(n_samples=300, random_state=1)
print("fitting now")
model = LogisticRegression(C=0.3).fit(X, y)
open("notes.txt", "w").write("first")
strata.log_artifact("notes.txt")
open("notes.txt", "w").write("changed after logging")
strata.log_dict({"classes": [0, 1]}, "meta/classes.json")
strata.log_table({"a": [1, 2], "b": ["x", "y"]}, "table.json")
${withFigure ? 'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\nfig = plt.figure()\nplt.plot([1, 2, 3])\nstrata.log_figure(fig, "curve.png")' : ''}
import sys
print("test score 0.91")
print("a warning", file=sys.stderr)
`;

describe('a run started from a terminal', () => {
  it.skipIf(!pythonNoMpl)(
    'keeps its output, environment, code state, logged files and the autologged model, versioned',
    async () => {
      const py = (python ?? pythonNoMpl) as string;
      fx = makeProject('stages: {}\n');
      const dir = fx.dir;
      fs.writeFileSync(path.join(dir, '.gitignore'), '.strata/\nnotes.txt\n');
      fx.write('train.py', script(Boolean(python)));
      git(dir, 'init', '-q');
      git(dir, 'add', '.gitignore', 'strata.yaml');
      git(dir, 'commit', '-qm', 'init');
      fs.appendFileSync(path.join(dir, 'strata.yaml'), '# an uncommitted change\n');
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
      const r = spawnSync(py, ['train.py'], {
        cwd: dir,
        env: { ...env, PYTHONPATH: path.join(repoRoot, 'resources', 'clients', 'python') },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('test score 0.91');

      const [id] = await ingestInbox(fx.project);
      expect(id).toBeTruthy();
      const run = runDetail(fx.project, id);
      expect(run.status).toBe('done');
      expect(run.name).toBe('train.py #1');
      expect(run.params.C).toBe(0.3);
      expect(Object.keys(run.metrics)).toContain('training_accuracy_score');
      // Output printed before and after the fit, both streams.
      const text = runLogs(fx.project, id, { after: 0, limit: 1000 })
        .lines.map((l) => `${l.stream}:${l.text}`)
        .join('');
      expect(text).toContain('stdout:fitting now');
      expect(text).toContain('test score 0.91');
      expect(text).toContain('stderr:a warning');
      // Environment: the interpreter that ran it and its packages.
      const envRec = run.environment as { python: { executable: string }; packages: Record<string, string> };
      expect(envRec.python.executable).toBe(
        spawnSync(py, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim(),
      );
      expect(Object.keys(envRec.packages).map((k) => k.toLowerCase())).toContain('scikit-learn');
      // Code: the commit, and the uncommitted change.
      const head = git(dir, 'rev-parse', 'HEAD').stdout.trim();
      expect(run.code).toMatchObject({
        state: 'recorded',
        commit: head,
        diff: { files: 1, binaryFiles: [] },
      });
      const code = run.code as Extract<typeof run.code, { state: 'recorded' }>;
      expect(code.untracked.files.map((f) => f.path)).toEqual(['train.py']);
      expect(code.snapshot).toBeTruthy();
      expect(run.git.diff).toContain('+# an uncommitted change');
      // The model: a version of a model artifact, written by this run.
      const model = fx.project.db
        .prepare(
          "SELECT a.name, a.kind, v.number, v.run_id FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = 'logisticregression'",
        )
        .get() as { kind: string; number: number; run_id: string };
      expect(model).toMatchObject({ kind: 'model', number: 1, run_id: id });
      // The logged file is the content at the time it was logged, not the workspace's later one.
      const notes = fx.project.db
        .prepare(
          "SELECT m.entries FROM versions v JOIN artifacts a ON a.id = v.artifact_id JOIN manifests m ON m.root_hash = v.root_hash WHERE a.path = 'notes.txt'",
        )
        .pluck()
        .get() as string;
      const { createHash } = await import('node:crypto');
      expect(notes).toContain(createHash('sha256').update('first').digest('hex'));
      const outs = fx.project.db
        .prepare("SELECT path FROM run_io WHERE run_id = ? AND role = 'out' ORDER BY path")
        .pluck()
        .all(id);
      expect(outs).toEqual(['models/logisticregression', 'notes.txt']);
      // The run's own files live beside its record; the inbox is empty.
      const files = path.join(dir, '.strata', 'runs', id, 'files');
      expect(JSON.parse(fs.readFileSync(path.join(files, 'meta', 'classes.json'), 'utf8'))).toEqual({
        classes: [0, 1],
      });
      expect(JSON.parse(fs.readFileSync(path.join(files, 'table.json'), 'utf8'))).toEqual({
        columns: ['a', 'b'],
        data: [
          [1, 'x'],
          [2, 'y'],
        ],
      });
      if (python) {
        expect(fs.readFileSync(path.join(files, 'curve.png')).subarray(1, 4).toString()).toBe('PNG');
        expect(fs.readFileSync(path.join(files, 'curve.svg'), 'utf8')).toContain('<svg');
      }
      expect(fs.readdirSync(path.join(dir, '.strata', 'inbox'))).toEqual([]);
      expect(await ingestInbox(fx.project)).toEqual([]);
    },
    60000,
  );

  it.skipIf(!pythonNoMpl)('outside git records the code state as unknown, with the reason', async () => {
    fx = makeProject('stages: {}\n');
    fx.write('t.py', 'import strata\nstrata.log_param("a", 1)\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
    const r = spawnSync(pythonNoMpl as string, ['t.py'], {
      cwd: fx.dir,
      env: {
        ...env,
        PYTHONPATH: path.join(repoRoot, 'resources', 'clients', 'python'),
        GIT_CEILING_DIRECTORIES: path.dirname(fx.dir),
      },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const [id] = await ingestInbox(fx.project);
    expect(runDetail(fx.project, id).code).toEqual({
      state: 'unknown',
      reason: 'the project is not in a git repository',
      commit: null,
    });
  });
});
