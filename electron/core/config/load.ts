import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema, emptyConfig, namedStages, type StrataConfig } from './schema.js';
import { readYamlFile } from './yaml.js';

export const CONFIG_FILE = 'strata.yaml';

export interface LoadedConfig {
  config: StrataConfig;
  source: 'strata.yaml' | 'dvc.yaml' | 'none';
  file: string | null;
}

const dvcSchema = z.object({ stages: namedStages({ anyCharacters: true }).default({}) }).passthrough();

/** strata.yaml wins; a project with only dvc.yaml runs its stages as they are. */
export function loadConfig(root: string): LoadedConfig {
  const strataFile = path.join(root, CONFIG_FILE);
  if (fs.existsSync(strataFile)) {
    return { config: readYamlFile(strataFile, configSchema).value, source: 'strata.yaml', file: strataFile };
  }
  const dvcFile = path.join(root, 'dvc.yaml');
  if (fs.existsSync(dvcFile)) {
    const dvc = readYamlFile(dvcFile, dvcSchema).value;
    return { config: { ...emptyConfig, stages: dvc.stages }, source: 'dvc.yaml', file: dvcFile };
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
