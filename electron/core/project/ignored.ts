/**
 * Folders Strata never versions, watches or touches, at any depth: version control, Strata's and
 * DVC's own state, and caches that tools rebuild. One list for the project walk, the hashing of a
 * version, the watcher and checkout, so what checkout leaves alone is exactly what no version holds.
 */
export const IGNORED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.strata',
  '.dvc',
  'node_modules',
  '__pycache__',
]);

/** The same folders as @parcel/watcher ignore globs: at the watched root and below it. */
export const IGNORED_GLOBS: readonly string[] = [...IGNORED_DIRS].flatMap((name) => [name, `**/${name}`]);
