import fs from 'node:fs';
import path from 'node:path';
import { loadDvcProject, type DvcExtras } from '../pipeline/dvc/project.js';
import { configSchema, emptyConfig, type StrataConfig } from './schema.js';
import { readYamlFile } from './yaml.js';

export const CONFIG_FILE = 'strata.yaml';

export interface LoadedConfig {
  config: StrataConfig;
  source: 'strata.yaml' | 'dvc.yaml' | 'none';
  file: string | null;
  /** for a dvc.yaml project: the expanded file, DVC's config and the `.dvc` files */
  dvc?: DvcExtras;
}

/** strata.yaml wins; a project with only dvc.yaml runs its stages as DVC would (vars, foreach, matrix…). */
export function loadConfig(root: string): LoadedConfig {
  const strataFile = path.join(root, CONFIG_FILE);
  if (fs.existsSync(strataFile)) {
    return { config: readYamlFile(strataFile, configSchema).value, source: 'strata.yaml', file: strataFile };
  }
  const dvcFile = path.join(root, 'dvc.yaml');
  if (fs.existsSync(dvcFile)) {
    const { config, dvc } = loadDvcProject(root, dvcFile);
    return { config, source: 'dvc.yaml', file: dvcFile, dvc };
  }
  return { config: emptyConfig, source: 'none', file: null };
}

export const DEFAULT_CONFIG_TEXT = `# Strata project file. Human-edited; commit it to git.
# artifacts: named files or folders versioned by content.
#   data:  { path: data/train.csv, kind: dataset, watch: true }
# stages: the pipeline, with DVC's stage fields (cmd, deps, outs, params, metrics, plots).
artifacts: {}
stages: {}
`;
