import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CodeState, UntrackedFile } from '../../../shared/api/runs.js';
import { DIFF_PREVIEW_BYTES } from '../../../shared/code-state.js';
import type { Project } from '../project/project.js';
import { useStore } from '../store/locks.js';
import { ObjectPutter } from '../store/put-objects.js';

/** Untracked files past these are listed (with their size) and not kept. */
export const UNTRACKED_FILE_CAP = 1 << 20;
export const UNTRACKED_TOTAL_CAP = 16 << 20;
const GIT_TIMEOUT_MS = 120_000;
/** Inside the project, .strata/ is Strata's own: never part of the code state. */
const PROJECT_ONLY = ['--', '.', ':(exclude).strata'];

class GitFailed extends Error {
  /** known when git failed after HEAD was read */
  commit: string | null = null;
}

interface GitOutput {
  stdout: Buffer;
}

/**
 * Runs git in the project folder. Failure of any kind (git missing, not a repository, a timeout, a
 * non-zero exit) is a GitFailed whose message is the reason the code state is unknown.
 */
function spawnGit(root: string, args: string[]) {
  const child = spawn('git', args, {
    cwd: root,
    // No index.lock taken for the refresh a diff may do: a run must not get in the way of the user's git.
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), GIT_TIMEOUT_MS);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new GitFailed(
          err.code === 'ENOENT'
            ? 'git is not installed (no git on PATH)'
            : `git could not start: ${err.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const last = stderr.trim().split('\n').pop() ?? '';
      if (signal) reject(new GitFailed(`git ${args[0]} did not finish within ${GIT_TIMEOUT_MS / 1000} s`));
      else if (/not a git repository/i.test(last))
        reject(new GitFailed('the project is not in a git repository'));
      else if (/ambiguous argument 'HEAD'|unknown revision/i.test(last))
        reject(new GitFailed('the git repository has no commit yet'));
      else reject(new GitFailed(`git ${args[0]} failed: ${last || `exit ${code}`}`));
    });
  });
  return { child, exited };
}

async function git(root: string, args: string[]): Promise<GitOutput> {
  const { child, exited } = spawnGit(root, args);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  await exited;
  return { stdout: Buffer.concat(chunks) };
}

/** git's output straight into the store, whatever its size. */
async function gitInto(root: string, args: string[], putter: ObjectPutter, treePath: string) {
  const { child, exited } = spawnGit(root, args);
  const [stored] = await Promise.all([putter.putStream(treePath, child.stdout, DIFF_PREVIEW_BYTES), exited]);
  return stored;
}

const text = (o: GitOutput) => o.stdout.toString('utf8').trim();

/** --numstat -z lines: "added\tdeleted\tpath\0"; a binary file has "-" for both counts. */
function parseNumstat(out: Buffer): { files: number; binary: string[] } {
  const binary: string[] = [];
  let files = 0;
  for (const rec of out.toString('utf8').split('\0')) {
    if (!rec) continue;
    files++;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(rec);
    if (m && m[1] === '-' && m[2] === '-') binary.push(m[3]);
  }
  return { files, binary };
}

/**
 * Records what code a run ran: the commit, every uncommitted change to tracked files as a diff of any
 * size, and the untracked files (as .gitignore leaves them), stored in the object store as one tree
 * (diff.patch, untracked/<path>) so a reproduction can put them back. A binary file's change is
 * named, not stored as a binary patch. When any part cannot be known the state is unknown, with the
 * reason: never a clean tree that was not seen to be clean.
 */
export async function recordCodeState(project: Project, runId: string): Promise<CodeState> {
  const release = await useStore(project.strataDir);
  const putter = new ObjectPutter(project.db, project.objectsDir);
  let state: CodeState;
  let preview: string | null = null;
  let commitRows: () => string | null = () => null;
  try {
    const seen = await look(project.root, putter);
    preview = seen.preview;
    commitRows = putter.finish();
    state = seen.state;
  } catch (err) {
    putter.abandon();
    if (!(err instanceof GitFailed) && !isFsError(err)) throw err;
    const reason =
      err instanceof GitFailed ? err.message : `the code state could not be stored: ${err.message}`;
    state = { state: 'unknown', reason, commit: err instanceof GitFailed ? err.commit : null };
  }
  try {
    project.db.transaction(() => saveCodeState(project, runId, state, preview, commitRows))();
  } finally {
    release();
  }
  return state;
}

/** Writes a run's code state; the caller's transaction also commits the snapshot's rows. */
export function saveCodeState(
  project: Project,
  runId: string,
  state: CodeState,
  preview: string | null,
  commitRows: () => string | null,
): void {
  if (state.state === 'recorded') state.snapshot = commitRows();
  project.db
    .prepare('UPDATE runs SET code_state = ?, git_commit = ?, git_diff_hash = ?, git_diff = ? WHERE id = ?')
    .run(
      JSON.stringify(state),
      state.commit,
      state.state === 'recorded' ? (state.diff?.sha256 ?? null) : null,
      preview,
      runId,
    );
}

/** What the Python client recorded about a terminal run's code, before the run started. */
export interface ClientCodeState {
  state?: string;
  reason?: string;
  commit?: string;
  branch?: string;
  prefix?: string;
  /** the diff file beside the run (.strata/inbox/<id>.d/<diff>) */
  diff?: string;
  diff_files?: number;
  binary_files?: string[];
  untracked?: UntrackedFile[];
  untracked_skipped?: (UntrackedFile & { why: string })[];
}

/**
 * Stores the code state a terminal run's client recorded (its diff and the untracked files it copied
 * into `side`) exactly as a pipeline run's is stored, so both read and restore alike. Holds the store
 * until `save` (inside the caller's transaction) or `abandon`.
 */
export async function storeClientCodeState(
  project: Project,
  side: string,
  client: ClientCodeState | undefined,
): Promise<{ save: (runId: string) => void; release: () => void }> {
  const release = await useStore(project.strataDir);
  if (!client || client.state !== 'recorded' || !client.commit) {
    const state: CodeState = {
      state: 'unknown',
      reason: client?.reason ?? 'the script logged no code state (a Strata client older than this app)',
      commit: client?.commit ?? null,
    };
    return { save: (runId) => saveCodeState(project, runId, state, null, () => null), release };
  }
  const putter = new ObjectPutter(project.db, project.objectsDir);
  try {
    let diff: Extract<CodeState, { state: 'recorded' }>['diff'] = null;
    let preview: string | null = null;
    const diffFile = client.diff ? path.join(side, client.diff) : null;
    if (diffFile && fs.existsSync(diffFile)) {
      const stored = await putter.putStream('diff.patch', fs.createReadStream(diffFile), DIFF_PREVIEW_BYTES);
      diff = {
        bytes: stored.size,
        sha256: stored.hash,
        files: client.diff_files ?? 0,
        binaryFiles: client.binary_files ?? [],
      };
      preview = stored.head.toString('utf8');
      if (stored.size > stored.head.length)
        preview += `\n[strata] the first ${stored.head.length} of ${stored.size} bytes; the whole diff is in the object store\n`;
    }
    const files: UntrackedFile[] = [];
    const skipped = [...(client.untracked_skipped ?? [])];
    for (const f of client.untracked ?? []) {
      const copy = path.join(side, 'untracked', f.path);
      if (!path.resolve(copy).startsWith(path.join(side, 'untracked') + path.sep) || !fs.existsSync(copy)) {
        skipped.push({ ...f, why: 'its copy beside the run is missing' });
        continue;
      }
      const st = fs.statSync(copy);
      putter.putBuffer(`untracked/${f.path}`, fs.readFileSync(copy), st.mode & 0o111 ? 0o755 : 0o644);
      files.push({ path: f.path, bytes: st.size });
    }
    const state: CodeState = {
      state: 'recorded',
      commit: client.commit,
      branch: client.branch && client.branch !== 'HEAD' ? client.branch : null,
      repoPrefix: client.prefix ?? '',
      snapshot: null,
      diff,
      untracked: {
        files,
        skipped,
        capHit: skipped.some((x) => x.why.startsWith('over the cap')),
        cap: { fileBytes: UNTRACKED_FILE_CAP, totalBytes: UNTRACKED_TOTAL_CAP },
      },
    };
    const commitRows = putter.finish();
    return { save: (runId) => saveCodeState(project, runId, state, preview, commitRows), release };
  } catch (err) {
    putter.abandon();
    release();
    throw err;
  }
}

async function look(
  root: string,
  putter: ObjectPutter,
): Promise<{ state: Extract<CodeState, { state: 'recorded' }>; preview: string | null }> {
  const commit = text(await git(root, ['rev-parse', 'HEAD']));
  const known = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      if (err instanceof GitFailed) err.commit = commit;
      throw err;
    });
  const branch = text(await known(git(root, ['rev-parse', '--abbrev-ref', 'HEAD'])));
  const prefix = text(await known(git(root, ['rev-parse', '--show-prefix'])));
  const numstat = parseNumstat(
    (await known(git(root, ['diff', 'HEAD', '--no-renames', '--numstat', '-z', ...PROJECT_ONLY]))).stdout,
  );
  let diff: Extract<CodeState, { state: 'recorded' }>['diff'] = null;
  let preview: string | null = null;
  if (numstat.files > 0) {
    // Without --binary, git writes "Binary files a/x and b/x differ" for a binary file.
    const stored = await known(
      gitInto(
        root,
        ['diff', 'HEAD', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', ...PROJECT_ONLY],
        putter,
        'diff.patch',
      ),
    );
    diff = { bytes: stored.size, sha256: stored.hash, files: numstat.files, binaryFiles: numstat.binary };
    preview = stored.head.toString('utf8');
    if (stored.size > stored.head.length)
      preview += `\n[strata] the first ${stored.head.length} of ${stored.size} bytes; the whole diff is in the object store\n`;
  }
  const listed = await known(
    git(root, ['ls-files', '--others', '--exclude-standard', '-z', ...PROJECT_ONLY]),
  );
  const names = listed.stdout.toString('utf8').split('\0').filter(Boolean).sort();
  return {
    state: {
      state: 'recorded',
      commit,
      branch: branch === 'HEAD' ? null : branch,
      repoPrefix: prefix,
      snapshot: null,
      diff,
      untracked: copyUntracked(root, names, putter),
    },
    preview,
  };
}

function isFsError(err: unknown): err is Error {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function copyUntracked(
  root: string,
  names: string[],
  putter: ObjectPutter,
): Extract<CodeState, { state: 'recorded' }>['untracked'] {
  const files: UntrackedFile[] = [];
  const skipped: (UntrackedFile & { why: string })[] = [];
  let total = 0;
  for (const name of names) {
    const abs = path.join(root, name);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) continue; // removed since git listed it
    if (st.isSymbolicLink()) {
      skipped.push({ path: name, bytes: 0, why: `symbolic link to ${fs.readlinkSync(abs)}` });
    } else if (!st.isFile()) {
      skipped.push({ path: name, bytes: 0, why: 'not a regular file' });
    } else if (st.size > UNTRACKED_FILE_CAP) {
      skipped.push({ path: name, bytes: st.size, why: 'over the cap for one file' });
    } else if (total + st.size > UNTRACKED_TOTAL_CAP) {
      skipped.push({ path: name, bytes: st.size, why: 'over the cap for all files' });
    } else {
      const data = fs.readFileSync(abs);
      putter.putBuffer(`untracked/${name}`, data, st.mode & 0o111 ? 0o755 : 0o644);
      total += data.length;
      files.push({ path: name, bytes: data.length });
    }
  }
  return {
    files,
    skipped,
    capHit: skipped.some((s) => s.why.startsWith('over the cap')),
    cap: { fileBytes: UNTRACKED_FILE_CAP, totalBytes: UNTRACKED_TOTAL_CAP },
  };
}
