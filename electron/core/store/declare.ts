import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, YAMLMap } from 'yaml';
import { StrataError } from '../../../shared/errors.js';
import type { ArtifactKind } from '../../../shared/api/artifacts.js';
import { writeFileAtomic } from '../app/atomic.js';
import { CONFIG_FILE } from '../config/load.js';
import type { Project } from '../project/project.js';

/**
 * Adds an artifact to strata.yaml through the yaml Document API, so the user's comments, order and
 * formatting survive. Returns false when it was already declared (or the project has no strata.yaml,
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
  let artifacts = doc.get('artifacts', true);
  if (!isMap(artifacts)) {
    artifacts = new YAMLMap();
    doc.set('artifacts', artifacts);
  }
  const map = artifacts as YAMLMap;
  // `artifacts: {}` from the template is a flow map; entries read better as a block.
  if (map.items.length === 0) map.flow = false;
  map.set(name, doc.createNode({ path: rel, kind }));
  writeFileAtomic(file, doc.toString());
  project.reloadConfig();
  return true;
}
