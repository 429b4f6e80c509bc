import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { DataFormat, TableProfile } from '../../../shared/api/stats.js';
import type { Project } from '../project/project.js';
import { profileRelation } from './profile.js';
import { readTable } from './read.js';
import { versionFiles, withStoredFile, type VersionFile } from './version-files.js';

/** Bumped when what a profile holds changes: stored profiles of another format are computed again. */
export const PROFILE_FORMAT = 1;

/** The profile of any tabular file on disk (not stored): a prediction log, a workspace file. */
export function profileFile(file: string, format: DataFormat, label = file): Promise<TableProfile> {
  return readTable(file, format, label, (from) => profileRelation(from, format));
}

/** The profile of one stored file, computed once per content and kept in the project database. */
export async function storedProfile(project: Project, file: VersionFile): Promise<TableProfile> {
  if (!file.format) throw new Error(`${file.path} is not a tabular file`);
  const format = file.format;
  const row = project.db
    .prepare('SELECT profile FROM column_profiles WHERE hash = ? AND format = ? AND profile_format = ?')
    .pluck()
    .get(file.hash, format, PROFILE_FORMAT) as string | undefined;
  if (row) return JSON.parse(row) as TableProfile;
  const profile = await withStoredFile(project, file, (p) => profileFile(p, format, file.path));
  project.db
    .prepare(
      `INSERT INTO column_profiles (hash, format, profile_format, profile) VALUES (?, ?, ?, ?)
       ON CONFLICT (hash, format) DO UPDATE SET profile_format = excluded.profile_format, profile = excluded.profile`,
    )
    .run(file.hash, format, PROFILE_FORMAT, JSON.stringify(profile));
  return profile;
}

export type FileProfile =
  { path: string; profile: TableProfile; error: null } | { path: string; profile: null; error: string };

/** Profiles of a version's tabular files (those `include` accepts); an unreadable file carries its reason. */
export async function versionProfiles(
  project: Project,
  version: Pick<VersionInfo, 'artifact' | 'rootHash'>,
  include: (path: string) => boolean = () => true,
): Promise<FileProfile[]> {
  const out: FileProfile[] = [];
  for (const f of versionFiles(project, version)) {
    if (!f.format || !include(f.path)) continue;
    try {
      out.push({ path: f.path, profile: await storedProfile(project, f), error: null });
    } catch (err) {
      out.push({ path: f.path, profile: null, error: (err as Error).message });
    }
  }
  return out;
}
