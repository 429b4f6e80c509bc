import path from 'node:path';
import { emptyConfig, type ArtifactConfig, type StrataConfig } from '../../config/schema.js';
import { findDvcFiles, type DvcFileOut } from './dvc-files.js';
import { readDvcConfig, type DvcConfig } from './dvc-config.js';
import { resolveDvcYaml, type ResolvedDvcYaml } from './resolve.js';
import { setOwn } from './pyvalues.js';

/** What a DVC project adds to its stages: the expanded dvc.yaml, DVC's config and its `.dvc` files. */
export interface DvcExtras {
  resolved: ResolvedDvcYaml;
  config: DvcConfig;
  dvcFiles: DvcFileOut[];
}

const KINDS: Record<string, ArtifactConfig['kind']> = { model: 'model', dataset: 'dataset', data: 'dataset' };

const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Stages of one dvc.yaml after another's: names differ (sub/dvc.yaml:name), lists add up. */
function merge(into: ResolvedDvcYaml, more: ResolvedDvcYaml): void {
  Object.assign(into.stages, more.stages);
  Object.assign(into.locations, more.locations);
  Object.assign(into.locks, more.locks);
  into.params.push(...more.params);
  into.metrics.push(...more.metrics);
  into.plots.push(...more.plots);
  for (const [name, a] of Object.entries(more.artifacts))
    setOwn(into.artifacts, Object.hasOwn(into.artifacts, name) ? `${a.path}:${name}` : name, a);
}

/**
 * A project with a dvc.yaml at its root (and maybe more in subfolders), read as DVC reads it. Its
 * artifacts are the dvc.yaml files' `artifacts:` (the model registry's) and what each `.dvc` file
 * tracks (named after the tracked path).
 */
export function loadDvcProject(root: string, file: string): { config: StrataConfig; dvc: DvcExtras } {
  const config = readDvcConfig(root);
  const resolved = resolveDvcYaml(root, file, config.parsing);
  const outs = new Set<string>();
  for (const s of Object.values(resolved.stages))
    for (const o of [...s.outs, ...s.metrics, ...s.plots])
      for (const p of typeof o === 'string' ? [o] : Object.keys(o))
        outs.add(path.posix.normalize(path.posix.join(s.wdir ?? '.', p)).replace(/\/$/, ''));
  const found = findDvcFiles(root, outs);
  for (const sub of found.pipelines)
    merge(resolved, resolveDvcYaml(root, path.join(root, sub), config.parsing));
  const dvcFiles = found.outs;
  const artifacts: Record<string, ArtifactConfig> = {};
  for (const [name, a] of Object.entries(resolved.artifacts)) {
    setOwn(artifacts, safeName(name), {
      path: a.path,
      kind: KINDS[a.type ?? ''] ?? 'other',
      watch: false,
      ...(a.desc ? { description: a.desc } : {}),
    });
  }
  const taken = new Set(Object.values(artifacts).map((a) => a.path));
  for (const f of dvcFiles) {
    if (taken.has(f.path)) continue;
    let name = safeName(path.posix.basename(f.path));
    if (Object.hasOwn(artifacts, name)) name = safeName(f.path);
    setOwn(artifacts, name, {
      path: f.path,
      kind: 'dataset',
      watch: false,
      description: `tracked by ${f.dvcFile}`,
    });
    taken.add(f.path);
  }
  return {
    config: { ...emptyConfig, stages: resolved.stages, artifacts, params: resolved.params },
    dvc: { resolved, config, dvcFiles },
  };
}
