import { StrataError } from '../../../shared/errors.js';
import { nameProblem } from '../../../shared/names.js';
import type { ArtifactKind, VersionInfo, VersionSource } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';

export interface ArtifactRow {
  id: number;
  name: string;
  path: string;
  kind: ArtifactKind;
}

interface VersionRow {
  id: number;
  artifact: string;
  number: number;
  root_hash: string;
  type: 'file' | 'dir';
  file_count: number;
  total_bytes: number;
  message: string | null;
  source: VersionSource;
  run_id: string | null;
  parent: number | null;
  created_at: string;
  aliases: string | null;
}

const VERSION_SELECT = `
  SELECT v.id, a.name AS artifact, v.number, v.root_hash, m.type, m.file_count, m.total_bytes, v.message, v.source,
         v.run_id, p.number AS parent, v.created_at,
         (SELECT group_concat(name, char(10)) FROM (SELECT name FROM aliases WHERE version_id = v.id ORDER BY name)) AS aliases
  FROM versions v
  JOIN artifacts a ON a.id = v.artifact_id
  JOIN manifests m ON m.root_hash = v.root_hash
  LEFT JOIN versions p ON p.id = v.parent_id`;

function toInfo(r: VersionRow): VersionInfo {
  return {
    id: r.id,
    artifact: r.artifact,
    number: r.number,
    rootHash: r.root_hash,
    type: r.type,
    fileCount: r.file_count,
    totalBytes: r.total_bytes,
    message: r.message,
    source: r.source,
    runId: r.run_id,
    parent: r.parent,
    createdAt: r.created_at,
    aliases: r.aliases ? r.aliases.split('\n') : [],
  };
}

/** Artifacts declared in strata.yaml get their row (and keep path and kind in step with the file). */
export function syncDeclared(project: Project): void {
  const declared = Object.entries(project.config.config.artifacts);
  if (declared.length === 0) return;
  const get = project.db.prepare('SELECT id, path, kind FROM artifacts WHERE name = ?');
  const insert = project.db.prepare('INSERT INTO artifacts (name, path, kind) VALUES (?, ?, ?)');
  const update = project.db.prepare('UPDATE artifacts SET path = ?, kind = ? WHERE id = ?');
  project.db.transaction(() => {
    for (const [name, a] of declared) {
      const path = a.path.replace(/^\.\//, '').replace(/\/+$/, '');
      const row = get.get(name) as { id: number; path: string; kind: string } | undefined;
      if (!row) insert.run(name, path, a.kind);
      else if (row.path !== path || row.kind !== a.kind) update.run(path, a.kind, row.id);
    }
  })();
}

export function listArtifactRows(project: Project): ArtifactRow[] {
  return project.db
    .prepare('SELECT id, name, path, kind FROM artifacts ORDER BY name')
    .all() as ArtifactRow[];
}

export function findArtifact(project: Project, name: string): ArtifactRow | undefined {
  return project.db.prepare('SELECT id, name, path, kind FROM artifacts WHERE name = ?').get(name) as
    ArtifactRow | undefined;
}

export function findArtifactByPath(project: Project, rel: string): ArtifactRow | undefined {
  return project.db
    .prepare('SELECT id, name, path, kind FROM artifacts WHERE path = ? ORDER BY id LIMIT 1')
    .get(rel) as ArtifactRow | undefined;
}

export function requireArtifact(project: Project, name: string): ArtifactRow {
  const a = findArtifact(project, name);
  if (!a) {
    const names = listArtifactRows(project).map((r) => r.name);
    throw new StrataError(
      'NOT_FOUND',
      `No artifact named "${name}".${names.length ? ` Known: ${names.join(', ')}.` : ' Add one with `strata add <path>`.'}`,
    );
  }
  return a;
}

export function listVersions(project: Project, artifactId: number): VersionInfo[] {
  const rows = project.db
    .prepare(`${VERSION_SELECT} WHERE v.artifact_id = ? ORDER BY v.number DESC`)
    .all(artifactId) as VersionRow[];
  return rows.map(toInfo);
}

export function versionById(project: Project, id: number): VersionInfo {
  return toInfo(project.db.prepare(`${VERSION_SELECT} WHERE v.id = ?`).get(id) as VersionRow);
}

export function latestVersion(project: Project, artifactId: number): VersionInfo | null {
  const row = project.db
    .prepare(`${VERSION_SELECT} WHERE v.artifact_id = ? ORDER BY v.number DESC LIMIT 1`)
    .get(artifactId) as VersionRow | undefined;
  return row ? toInfo(row) : null;
}

/** A ref is a version number, an alias, or `latest`. */
export function resolveRef(project: Project, artifactName: string, ref: string): VersionInfo {
  const artifact = requireArtifact(project, artifactName);
  let id: number | undefined;
  if (ref === 'latest') {
    id = project.db
      .prepare('SELECT id FROM versions WHERE artifact_id = ? ORDER BY number DESC LIMIT 1')
      .pluck()
      .get(artifact.id) as number | undefined;
    if (id === undefined)
      throw new StrataError(
        'NOT_FOUND',
        `${artifactName} has no versions yet. Record one with \`strata add ${artifact.path}\`.`,
      );
  } else if (/^\d+$/.test(ref)) {
    id = project.db
      .prepare('SELECT id FROM versions WHERE artifact_id = ? AND number = ?')
      .pluck()
      .get(artifact.id, Number(ref)) as number | undefined;
  } else {
    id = project.db
      .prepare('SELECT version_id FROM aliases WHERE artifact_id = ? AND name = ?')
      .pluck()
      .get(artifact.id, ref) as number | undefined;
  }
  if (id === undefined) {
    const latest = latestVersion(project, artifact.id);
    const known = project.db
      .prepare('SELECT name FROM aliases WHERE artifact_id = ? ORDER BY name')
      .pluck()
      .all(artifact.id) as string[];
    throw new StrataError(
      'NOT_FOUND',
      `${artifactName}@${ref} does not exist: ${latest ? `versions are 1 to ${latest.number}` : 'it has no versions yet'}${known.length ? `; aliases: ${known.join(', ')}` : ''}.`,
    );
  }
  return versionById(project, id);
}

export function manifestText(project: Project, rootHash: string): { type: 'file' | 'dir'; entries: string } {
  const row = project.db.prepare('SELECT type, entries FROM manifests WHERE root_hash = ?').get(rootHash) as
    { type: 'file' | 'dir'; entries: string } | undefined;
  if (!row) throw new StrataError('NOT_FOUND', `No version has the root hash ${rootHash}.`);
  return row;
}

/** Points alias at a version; one alias names one version at a time, and every move is kept. */
export function setAlias(project: Project, artifactName: string, ref: string, alias: string): VersionInfo {
  const problem = nameProblem(alias);
  if (problem || /^\d+$/.test(alias) || alias === 'latest') {
    throw new StrataError(
      'BAD_REQUEST',
      `"${alias}" cannot be an alias: ${problem ?? 'it must not be only digits, nor "latest"'}`,
    );
  }
  const version = resolveRef(project, artifactName, ref);
  const artifact = requireArtifact(project, artifactName);
  project.db.transaction(() => {
    const prev = project.db
      .prepare('SELECT version_id FROM aliases WHERE artifact_id = ? AND name = ?')
      .pluck()
      .get(artifact.id, alias) as number | undefined;
    if (prev === version.id) return;
    project.db
      .prepare(
        'INSERT INTO aliases (artifact_id, name, version_id) VALUES (?, ?, ?) ON CONFLICT (artifact_id, name) DO UPDATE SET version_id = excluded.version_id',
      )
      .run(artifact.id, alias, version.id);
    project.db
      .prepare('INSERT INTO alias_history (artifact_id, name, version_id, previous_id) VALUES (?, ?, ?, ?)')
      .run(artifact.id, alias, version.id, prev ?? null);
  })();
  return versionById(project, version.id);
}

export function aliasHistory(
  project: Project,
  artifactId: number,
): { alias: string; version: number; previous: number | null; at: string }[] {
  return project.db
    .prepare(
      `SELECT h.name AS alias, v.number AS version, p.number AS previous, h.at FROM alias_history h
              JOIN versions v ON v.id = h.version_id LEFT JOIN versions p ON p.id = h.previous_id
              WHERE h.artifact_id = ? ORDER BY h.id`,
    )
    .all(artifactId) as { alias: string; version: number; previous: number | null; at: string }[];
}
