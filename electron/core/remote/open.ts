import path from 'node:path';
import type { RemoteInfo } from '../../../shared/api/remotes.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import type { RemoteConfig } from './config.js';
import { folderTransport } from './folder.js';
import { s3Location, s3Transport } from './s3.js';
import type { Transport } from './transport.js';
import { UploadJournal } from './uploads.js';

/** Under .strata/: the multipart uploads a push began and has not finished (uploads.ts). */
const UPLOADS_DIR = 'uploads';

const configWhere = (project: Project) =>
  project.config.file ? { where: { file: project.config.file } } : {};

export function describeRemote(project: Project, name: string, cfg: RemoteConfig): RemoteInfo {
  if (cfg.type === 'folder') return { name, type: 'folder', where: path.resolve(project.root, cfg.path) };
  const prefix = cfg.prefix.replace(/^\/+|\/+$/g, '');
  return {
    name,
    type: 's3',
    where: `s3://${cfg.bucket}/${prefix}${cfg.endpoint ? ` at ${cfg.endpoint}` : ''}`,
  };
}

export function listRemotes(project: Project): RemoteInfo[] {
  return Object.entries(project.config.config.remotes).map(([n, c]) => describeRemote(project, n, c));
}

/** The named remote, or the only one, or the one called origin. */
export function pickRemote(project: Project, name: string | undefined): { name: string; cfg: RemoteConfig } {
  const remotes = project.config.config.remotes;
  const names = Object.keys(remotes);
  if (name !== undefined) {
    if (!(name in remotes))
      throw new StrataError(
        'NOT_FOUND',
        `no remote "${name}" in strata.yaml${names.length ? ` (remotes: ${names.join(', ')})` : ''}`,
        configWhere(project),
      );
    return { name, cfg: remotes[name] };
  }
  if (names.length === 1) return { name: names[0], cfg: remotes[names[0]] };
  if ('origin' in remotes) return { name: 'origin', cfg: remotes.origin };
  throw new StrataError(
    'BAD_REQUEST',
    names.length
      ? `strata.yaml has several remotes (${names.join(', ')}); name one with --remote`
      : 'strata.yaml has no remotes: add one under remotes: (see docs/remotes.md)',
    configWhere(project),
  );
}

export function openTransport(project: Project, name: string, cfg: RemoteConfig): Transport {
  return cfg.type === 'folder'
    ? folderTransport(name, path.resolve(project.root, cfg.path))
    : s3Transport(name, cfg, new UploadJournal(path.join(project.strataDir, UPLOADS_DIR), s3Location(cfg)));
}
