import fs from 'node:fs';
import path from 'node:path';
import type { RunFile, RunFileContent } from '../../../shared/api/runs.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { runFilesDir } from './inbox.js';
import { resolveRunId } from './repo.js';

/** A preview is cut here: enough for a figure or a table, never a model file in the UI's memory. */
export const PREVIEW_CAP = 4 << 20;

const MEDIA: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.html': 'text/html',
};

export function mediaOf(name: string): string {
  return MEDIA[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

function walk(dir: string, prefix = ''): { rel: string; bytes: number }[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: { rel: string; bytes: number }[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), rel));
    else if (e.isFile()) out.push({ rel, bytes: fs.statSync(path.join(dir, e.name)).size });
  }
  return out;
}

/** What a run made: its own files, then the versions it wrote (models, data, logged files). */
export function runFiles(project: Project, idOrName: string): RunFile[] {
  const id = resolveRunId(project, idOrName);
  const own: RunFile[] = walk(runFilesDir(project, id)).map((f) => ({
    kind: 'file',
    path: f.rel,
    bytes: f.bytes,
    media: mediaOf(f.rel),
  }));
  const versions = project.db
    .prepare(
      `SELECT DISTINCT io.path, a.name AS artifact, v.number AS version, m.total_bytes AS bytes, m.file_count AS fileCount, m.type
         FROM run_io io JOIN versions v ON v.id = io.version_id JOIN artifacts a ON a.id = v.artifact_id
         JOIN manifests m ON m.root_hash = v.root_hash
        WHERE io.run_id = ? AND io.role = 'out' ORDER BY io.path`,
    )
    .all(id) as {
    path: string;
    artifact: string;
    version: number;
    bytes: number;
    fileCount: number;
    type: string;
  }[];
  return [
    ...own,
    ...versions.map((v): RunFile => ({
      kind: 'version',
      path: v.path,
      bytes: v.bytes,
      media: v.type === 'dir' ? 'inode/directory' : mediaOf(v.path),
      artifact: v.artifact,
      version: v.version,
      fileCount: v.fileCount,
    })),
  ];
}

/** One of the run's own files, for preview. A name that leaves the run's folder is refused. */
export function runFile(project: Project, idOrName: string, name: string): RunFileContent {
  const id = resolveRunId(project, idOrName);
  const dir = runFilesDir(project, id);
  const abs = path.resolve(dir, name);
  if (!abs.startsWith(dir + path.sep))
    throw new StrataError('BAD_REQUEST', `${name} is not a file of run ${id}`, { where: { file: name } });
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    throw new StrataError('NOT_FOUND', `Run ${id} has no file ${name}`, { where: { file: name } });
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new StrataError('BAD_REQUEST', `${name} is not a regular file`);
    const size = Math.min(st.size, PREVIEW_CAP);
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const media = mediaOf(name);
    const binary = media.startsWith('image/') && media !== 'image/svg+xml';
    return {
      path: name,
      media,
      bytes: st.size,
      encoding: binary ? 'base64' : 'utf8',
      content: binary ? buf.subarray(0, read).toString('base64') : buf.subarray(0, read).toString('utf8'),
      truncated: st.size > read,
    };
  } finally {
    fs.closeSync(fd);
  }
}
