import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodeState } from '../../../shared/api/runs.js';
import type { ReproDifference, ReproLimit } from '../../../shared/api/review.js';
import { loadConfig } from '../config/load.js';
import type { Project } from '../project/project.js';
import { restoreVersion } from '../store/api.js';
import { git } from './git.js';

/**
 * The project seen from another folder: files are read and written under `root`, while the database,
 * the object store and the locks stay the project's (they are inherited). This is what lets the
 * pipeline runner and the store run unchanged in a scratch folder and record into the project.
 */
export function projectAt(project: Project, root: string, withConfig = false): Project {
  const view = Object.create(project, { root: { value: root, enumerable: true } }) as Project;
  if (withConfig) view.config = loadConfig(root);
  return view;
}

export interface Scratch {
  /** the project's folder inside the scratch worktree */
  root: string;
  limits: ReproLimit[];
  differences: ReproDifference[];
  dispose(): Promise<void>;
}

const none = async () => undefined;

/**
 * A scratch copy of the run's code: a git worktree at the recorded commit (under the system's temp
 * folder, so nothing lands in the project), the stored diff applied and the stored untracked files
 * put back. What cannot be put back is a limit; fatal ones stop the reproduction.
 */
export async function prepareScratch(project: Project, code: CodeState): Promise<Scratch> {
  const limits: ReproLimit[] = [];
  const differences: ReproDifference[] = [];
  const refused = (kind: ReproLimit['kind'], message: string): Scratch => ({
    root: '',
    limits: [...limits, { kind, message, fatal: true }],
    differences,
    dispose: none,
  });
  if (code.state === 'unknown')
    return refused(
      'code-unknown',
      `the run's code state is unknown (${code.reason}): nothing says which code to run again`,
    );
  const top = await git(project.root, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return refused('commit-gone', `the project is no longer in a git repository (${top.error})`);
  const repoTop = top.stdout.trim();
  const has = await git(repoTop, ['cat-file', '-e', `${code.commit}^{commit}`]);
  if (!has.ok)
    return refused(
      'commit-gone',
      `commit ${code.commit}${code.branch ? ` (branch ${code.branch})` : ''} is gone from the repository (history rewritten, or a shallow clone); params, environment and data versions of the record can still be read on the run page`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-repro-'));
  const wt = path.join(dir, 'wt');
  const dispose = async () => {
    await git(repoTop, ['worktree', 'remove', '--force', wt]);
    fs.rmSync(dir, { recursive: true, force: true });
    await git(repoTop, ['worktree', 'prune']);
  };
  try {
    const added = await git(repoTop, ['worktree', 'add', '--detach', '--quiet', wt, code.commit]);
    if (!added.ok) {
      await dispose();
      return refused('commit-gone', `git could not check out commit ${code.commit}: ${added.error}`);
    }
    const root = path.join(wt, code.repoPrefix);
    if (code.snapshot) {
      await restoreVersion(projectAt(project, dir), code.snapshot, 'snap');
      const snap = path.join(dir, 'snap');
      if (code.diff) {
        // Without --binary the diff names a changed binary file but cannot carry it: apply the rest.
        const exclude = code.diff.binaryFiles.map((f) => `--exclude=${path.posix.join(code.repoPrefix, f)}`);
        const applied = await git(wt, [
          'apply',
          '--whitespace=nowarn',
          ...exclude,
          path.join(snap, 'diff.patch'),
        ]);
        if (!applied.ok) {
          await dispose();
          return refused(
            'diff-not-applied',
            `the stored uncommitted change (${code.diff.files} files) no longer applies to commit ${code.commit}: ${applied.error}`,
          );
        }
        for (const f of code.diff.binaryFiles) {
          limits.push({
            kind: 'binary-change',
            message: `${f} (binary) was changed but its content was not recorded: the committed one is used`,
            fatal: false,
          });
          differences.push({
            category: 'code',
            subject: `file ${f}`,
            original: 'uncommitted binary change',
            reproduced: 'as committed',
            note: 'a binary change is named in the record, not stored',
          });
        }
      }
      const untracked = path.join(snap, 'untracked');
      if (fs.existsSync(untracked)) fs.cpSync(untracked, root, { recursive: true });
    }
    for (const s of code.untracked.skipped) {
      limits.push({
        kind: 'untracked-skipped',
        message: `untracked file ${s.path} was not kept (${s.why}): the reproduction runs without it`,
        fatal: false,
      });
      differences.push({
        category: 'code',
        subject: `file ${s.path}`,
        original: 'untracked, not kept',
        reproduced: 'absent',
        note: s.why,
      });
    }
    return { root, limits, differences, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
