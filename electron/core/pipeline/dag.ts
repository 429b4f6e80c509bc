import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import { StrataError } from '../../../shared/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { normalizeStages, within, type Stage } from './stages.js';

export interface Dag {
  /** topological order (a stage after everything it reads), ties in the order of the file */
  order: Stage[];
  /** stage → the stages whose outs it reads */
  upstream: Map<string, string[]>;
}

/** file:line of `stages.<name>` in the config, so a pipeline error points at the stage. */
export function stageLocation(
  loaded: LoadedConfig,
  stage: string,
): { file: string; line?: number; column?: number } {
  const file = loaded.file ?? 'strata.yaml';
  const expanded = loaded.dvc?.resolved.locations[stage];
  if (expanded) return expanded;
  try {
    const lines = new LineCounter();
    const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: lines });
    const stages = doc.get('stages', true);
    if (isMap(stages)) {
      const pair = stages.items.find((p) => isScalar(p.key) && p.key.value === stage);
      if (pair && isNode(pair.key) && pair.key.range) {
        const pos = lines.linePos(pair.key.range[0]);
        return { file, line: pos.line, column: pos.col };
      }
    }
  } catch {
    // fall through to the file alone
  }
  return { file };
}

function fail(loaded: LoadedConfig, stage: string, message: string, details?: unknown): never {
  throw new StrataError('CONFIG_INVALID', message, { where: stageLocation(loaded, stage), details });
}

/**
 * Builds the DAG from outs to deps. Refused, with the stages and the file named: two stages writing
 * the same out (or one inside the other's), a dep that no stage writes and that does not exist, and
 * a cycle.
 */
export function buildDag(root: string, loaded: LoadedConfig): Dag {
  const stages = normalizeStages(loaded.config);
  const writers: { out: string; stage: string }[] = [];
  for (const s of stages) {
    for (const out of s.outs) {
      const clash = writers.find((w) => within(out, w.out) || within(w.out, out));
      if (clash) {
        fail(
          loaded,
          s.name,
          clash.out === out
            ? `stages "${clash.stage}" and "${s.name}" both write ${out}; an out can have only one stage`
            : `stage "${s.name}" writes ${out}, which overlaps ${clash.out} written by stage "${clash.stage}"`,
        );
      }
      writers.push({ out, stage: s.name });
    }
  }
  const upstream = new Map<string, string[]>();
  for (const s of stages) {
    const ups = new Set<string>();
    for (const dep of s.deps) {
      const w = writers.filter((x) => within(dep, x.out) || within(x.out, dep));
      if (w.length === 0 && !fs.existsSync(path.join(root, dep))) {
        fail(loaded, s.name, `stage "${s.name}" depends on ${dep}, which does not exist and no stage writes`);
      }
      for (const x of w) if (x.stage !== s.name) ups.add(x.stage);
      if (w.some((x) => x.stage === s.name))
        fail(
          loaded,
          s.name,
          `stage "${s.name}" depends on ${dep}, which it writes itself (a cycle of one stage)`,
        );
    }
    upstream.set(s.name, [...ups]);
  }
  return { order: topoSort(loaded, stages, upstream), upstream };
}

function topoSort(loaded: LoadedConfig, stages: Stage[], upstream: Map<string, string[]>): Stage[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: Stage[] = [];
  const visit = (name: string, trail: string[]) => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      fail(
        loaded,
        name,
        `the stages form a cycle: ${cycle.join(' → ')} (each reads what the next one writes)`,
        { cycle },
      );
    }
    state.set(name, 'visiting');
    for (const up of upstream.get(name) ?? []) visit(up, [...trail, name]);
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const s of stages) visit(s.name, []);
  return order;
}

/**
 * The stages to consider for `strata run a b`: those named and everything they read from, in order.
 * As in DVC, a frozen stage cuts the walk: what it reads from is not pulled in.
 */
export function selectStages(dag: Dag, names: readonly string[], loaded: LoadedConfig): Stage[] {
  if (names.length === 0) return dag.order;
  const known = new Set(dag.order.map((s) => s.name));
  for (const n of names) {
    if (!known.has(n)) {
      throw new StrataError(
        'NOT_FOUND',
        `no stage "${n}" in ${path.basename(loaded.file ?? 'strata.yaml')} (stages: ${[...known].join(', ') || 'none'})`,
        loaded.file ? { where: { file: loaded.file } } : {},
      );
    }
  }
  const keep = new Set<string>();
  const add = (n: string) => {
    if (keep.has(n)) return;
    keep.add(n);
    if (dag.order.find((s) => s.name === n)?.frozen) return;
    for (const up of dag.upstream.get(n) ?? []) add(up);
  };
  names.forEach(add);
  return dag.order.filter((s) => keep.has(s.name));
}

/** Every stage that reads, directly or through others, from the given stages or paths. */
export function downstreamOf(dag: Dag, changedPaths: readonly string[]): Stage[] {
  const hit = new Set<string>();
  for (const s of dag.order) {
    const direct = s.deps.some((d) => changedPaths.some((p) => within(d, p) || within(p, d)));
    const viaUp = (dag.upstream.get(s.name) ?? []).some((u) => hit.has(u));
    if (direct || viaUp) hit.add(s.name);
  }
  return dag.order.filter((s) => hit.has(s.name));
}
