import path from 'node:path';

// Paths in strata.yaml and dvc.yaml name things inside the project. One that leaves it (`../x`, an
// absolute path) would be read or written wherever it points, so it is refused when the file loads.

/** Why `p`, written in a stage that runs in `wdir`, is not a path inside the project; null when it is. */
export function outsideProblem(p: string, wdir = ''): string | null {
  if (p.includes('\0')) return 'a path may not contain a NUL byte';
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p))
    return `${p} is an absolute path; paths are relative to the project${wdir ? ` (here to its wdir ${wdir})` : ''}`;
  const joined = path.posix.normalize(path.posix.join(wdir || '.', p.replace(/\\/g, '/')));
  if (joined === '..' || joined.startsWith('../'))
    return `${p} is outside the project${wdir ? ` (from the wdir ${wdir})` : ''}; paths must stay inside it`;
  if (joined === '.strata' || joined.startsWith('.strata/'))
    return `${p} is inside .strata/, Strata's own store`;
  return null;
}

export interface PathIssue {
  path: (string | number)[];
  message: string;
  /** the problem is the last key of the path (a map key), not its value */
  atKey?: boolean;
}

const record = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The paths of a stage as written (before the schema has looked at it), each checked against its wdir. */
export function stagePathIssues(stage: unknown): PathIssue[] {
  if (!record(stage)) return [];
  const issues: PathIssue[] = [];
  const check = (at: (string | number)[], p: string, wdir: string, atKey = false) => {
    const message = outsideProblem(p, wdir);
    if (message) issues.push({ path: at, message, atKey });
  };
  let wdir = '';
  if (typeof stage.wdir === 'string') {
    check(['wdir'], stage.wdir, '');
    wdir = stage.wdir;
  }
  for (const field of ['deps', 'outs', 'metrics', 'plots'] as const) {
    const list = stage[field];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (typeof item === 'string') check([field, i], item, wdir);
      else if (record(item)) for (const key of Object.keys(item)) check([field, i, key], key, wdir, true);
    });
  }
  // Params: a bare key reads params.yaml; {file: [keys]} names another file.
  if (Array.isArray(stage.params))
    stage.params.forEach((item, i) => {
      if (record(item)) for (const file of Object.keys(item)) check(['params', i, file], file, wdir, true);
    });
  return issues;
}

export function artifactPathIssues(artifact: unknown): PathIssue[] {
  if (!record(artifact) || typeof artifact.path !== 'string') return [];
  const message = outsideProblem(artifact.path);
  return message ? [{ path: ['path'], message }] : [];
}
