import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, stringify } from 'yaml';
import { StrataError } from '../../../shared/errors.js';
import type { ArtifactKind } from '../../../shared/api/artifacts.js';
import { writeFileAtomic } from '../app/atomic.js';
import { CONFIG_FILE } from '../config/load.js';
import { insertMapEntry } from '../config/yaml-edit.js';
import type { Project } from '../project/project.js';

/**
 * Adds an artifact to strata.yaml as a text insertion, so the user's comments, order and formatting
 * survive byte for byte. Returns false when it was already declared (or the project has no strata.yaml,
 * only a dvc.yaml, which Strata never rewrites).
 */
export function declareArtifact(project: Project, name: string, rel: string, kind: ArtifactKind): boolean {
  if (project.config.source === 'dvc.yaml') return false;
  const file = path.join(project.root, CONFIG_FILE);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new StrataError('CONFIG_INVALID', `${CONFIG_FILE} does not parse; fix it before adding artifacts`, {
      where: { file },
    });
  const existing = doc.getIn(['artifacts', name]);
  if (existing !== undefined) return false;
  const artifacts = doc.get('artifacts', true);
  if (artifacts !== undefined && artifacts !== null && !isMap(artifacts))
    throw new StrataError(
      'CONFIG_INVALID',
      `artifacts: in ${CONFIG_FILE} is not a map; fix it before adding artifacts`,
      {
        where: { file },
      },
    );
  writeFileAtomic(file, insertMapEntry(text, 'artifacts', stringify({ [name]: { path: rel, kind } })));
  project.reloadConfig();
  return true;
}
