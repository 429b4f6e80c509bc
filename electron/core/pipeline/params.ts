import fs from 'node:fs';
import path from 'node:path';
import { keyed } from '../../../shared/names.js';
import { StrataError } from '../../../shared/errors.js';
import { readParamsData } from './dvc/params-read.js';
import { unwrapPy } from './dvc/pyvalues.js';
import type { Stage } from './stages.js';

/** Flattens nested params to dotted keys; lists stay whole values. */
export function flattenParams(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = keyed(),
): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/**
 * Reads a params file as DVC does (YAML, JSON, TOML, or Python read statically), flattened. YAML is
 * parsed safely: a tag such as !!python/object is an error naming its line, never code run.
 */
export function readParamsFile(root: string, rel: string): Record<string, unknown> {
  return flattenParams(unwrapPy(readParamsData(path.join(root, rel))));
}

/**
 * Every param of every params file the pipeline uses (params.yaml at the root when present, and a
 * dvc.yaml's top-level `params:` files), flattened.
 */
export function readAllParams(
  root: string,
  stages: Stage[],
  extraFiles: readonly string[] = [],
): Record<string, unknown> {
  const files = new Set<string>();
  if (fs.existsSync(path.join(root, 'params.yaml'))) files.add('params.yaml');
  for (const s of stages) for (const f of s.params.keys()) files.add(f);
  for (const f of extraFiles) files.add(path.posix.normalize(f));
  const out = keyed<unknown>();
  for (const f of files) {
    const flat = readParamsFile(root, f);
    const prefix = f === 'params.yaml' ? '' : `${f}:`;
    for (const [k, v] of Object.entries(flat)) out[prefix + k] = v;
  }
  return out;
}

/** The values of the params a stage declares; a declared key that is missing is an error naming the file. */
export function stageParams(root: string, stage: Stage): Record<string, unknown> {
  const out = keyed<unknown>();
  for (const [file, keys] of stage.params) {
    const flat = readParamsFile(root, file);
    if (keys.length === 0) {
      for (const [k, v] of Object.entries(flat)) out[file === 'params.yaml' ? k : `${file}:${k}`] = v;
      continue;
    }
    for (const key of keys) {
      const hit = Object.keys(flat).filter((k) => k === key || k.startsWith(key + '.'));
      if (hit.length === 0) {
        throw new StrataError(
          'CONFIG_INVALID',
          `stage "${stage.name}" uses the param ${key}, which ${file} does not define`,
          { where: { file: path.join(root, file) } },
        );
      }
      for (const k of hit) out[file === 'params.yaml' ? k : `${file}:${k}`] = flat[k];
    }
  }
  return out;
}
