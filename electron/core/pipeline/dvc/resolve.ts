import fs from 'node:fs';
import path from 'node:path';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
} from 'yaml';
import { z } from 'zod';
import { StrataError, type ErrorLocation } from '../../../../shared/errors.js';
import { nameProblem } from '../../../../shared/names.js';
import { stageSchema, type StageConfig } from '../../config/schema.js';
import { artifactPathIssues, outsideProblem, stagePathIssues } from '../../config/inside.js';
import { parseYamlFile } from '../../config/yaml.js';
import { Context, VarsError } from './context.js';
import {
  findMatches,
  resolveString,
  TemplateError,
  toStr,
  typeName,
  type ParsingConfig,
} from './interpolate.js';
import { isPlainMap, pyFloat, setOwn, unwrapPy } from './pyvalues.js';

/** dvc.yaml's top-level keys (DVC refuses any other). */
const topSchema = z
  .object({
    stages: z.record(z.string(), z.unknown()).optional(),
    vars: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
    params: z.array(z.unknown()).optional(),
    metrics: z.array(z.unknown()).optional(),
    plots: z.array(z.unknown()).optional(),
    artifacts: z.record(z.string(), z.unknown()).optional(),
    datasets: z.unknown().optional(),
  })
  .strict();

const artifactSchema = z
  .object({
    path: z.string().min(1),
    type: z.string().optional(),
    desc: z.string().optional(),
    labels: z.array(z.string()).optional(),
    meta: z.unknown().optional(),
  })
  .strict();

export interface DvcArtifact {
  path: string;
  type?: string;
  desc?: string;
  labels?: string[];
  meta?: unknown;
}

export interface ResolvedDvcYaml {
  /** every stage, foreach and matrix members expanded (`name@key`), in the order of the file */
  stages: Record<string, StageConfig>;
  /** where each stage's definition starts (a generated stage points at its group) */
  locations: Record<string, ErrorLocation>;
  /** where each stage's dvc.lock entry is: the lock's folder and the stage's name in it */
  locks: Record<string, { dir: string; name: string }>;
  /** top-level params, metrics and plots files, relative to the project */
  params: string[];
  metrics: string[];
  plots: string[];
  artifacts: Record<string, DvcArtifact>;
}

const DEFAULT_PARAMS_FILE = 'params.yaml';

/**
 * Expands a dvc.yaml as DVC does before it runs anything: vars, `${…}` in every field, foreach and
 * matrix. Every error names dvc.yaml's line and column (of the `${…}` at fault where there is one).
 */
export function resolveDvcYaml(root: string, file: string, parsing: ParsingConfig): ResolvedDvcYaml {
  const text = fs.readFileSync(file, 'utf8');
  const { doc, lines } = parseYamlFile(file, text, topSchema);
  const base = path.relative(root, path.dirname(file)).split(path.sep).join('/');
  const r = new Resolver(root, base, file, text, doc, lines, parsing);
  return r.run();
}

class Resolver {
  private out: ResolvedDvcYaml = {
    stages: {},
    locations: {},
    locks: {},
    params: [],
    metrics: [],
    plots: [],
    artifacts: {},
  };

  constructor(
    private root: string,
    /** the folder of this dvc.yaml, relative to the project: its stages run there, its paths start there */
    private base: string,
    private file: string,
    private text: string,
    private doc: Document,
    private lines: LineCounter,
    private parsing: ParsingConfig,
  ) {}

  private at(node: Node | null | undefined, offset = 0): ErrorLocation {
    if (!node?.range) return { file: this.file };
    const pos = this.lines.linePos(node.range[0] + offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  private fail(where: string, message: string, node: Node | null | undefined, offset = 0): never {
    throw new StrataError('CONFIG_INVALID', `${where}: ${message}`, { where: this.at(node, offset) });
  }

  private top(key: string): Node | null {
    const n = this.doc.get(key, true) as Node | undefined;
    return n ?? null;
  }

  run(): ResolvedDvcYaml {
    const ctx = new Context();
    if (fs.existsSync(path.join(this.root, this.base, DEFAULT_PARAMS_FILE))) {
      this.vars(() => ctx.mergeFile(this.root, DEFAULT_PARAMS_FILE, this.base), 'vars', this.top('vars'));
    }
    this.loadVars(ctx, this.top('vars'), this.base, 'vars', '');
    const stages = this.top('stages');
    if (isMap(stages)) {
      for (const pair of stages.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        this.stage(ctx, name, pair.key as Node, pair.value as Node | null);
      }
    }
    for (const key of ['params', 'metrics', 'plots'] as const) {
      const node = this.top(key);
      if (!isSeq(node)) continue;
      node.items.forEach((item, i) => {
        const v = unwrapPy(this.value(ctx, item as Node, null, `${key}[${i}]`));
        if ((key === 'params' || key === 'metrics') && typeof v !== 'string')
          this.fail(`${key}[${i}]`, `expected a file path, got ${typeName(v)}`, item as Node);
        const files = key === 'plots' ? plotPaths(v) : [v as string];
        for (const f of files) {
          const outside = outsideProblem(f, this.base);
          if (outside) this.fail(`${key}[${i}]`, outside, item as Node);
          this.out[key].push(this.inBase(f));
        }
      });
    }
    const artifacts = this.top('artifacts');
    if (isMap(artifacts)) {
      for (const pair of artifacts.items) {
        const rawName = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const name = this.value(ctx, pair.key as Node, null, `artifacts.${rawName}`);
        if (typeof name !== 'string')
          this.fail(`artifacts.${rawName}`, `expected a name, got ${typeName(name)}`, pair.key as Node);
        const problem = nameProblem(name, { anyCharacters: true });
        if (problem) this.fail(`artifacts.${rawName}`, problem, pair.key as Node);
        const def = unwrapPy(this.value(ctx, pair.value as Node, null, `artifacts.${rawName}`));
        const parsed = artifactSchema.safeParse(def);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          this.fail(`artifacts.${rawName}.${issue.path.join('.')}`, issue.message, pair.value as Node);
        }
        const outside = artifactPathIssues({ path: this.inBase(parsed.data.path) })[0];
        if (outside)
          this.fail(
            `artifacts.${rawName}.path`,
            outside.message,
            this.nodeAt(pair.value as Node, outside.path),
          );
        setOwn(this.out.artifacts, name, { ...parsed.data, path: this.inBase(parsed.data.path) });
      }
    }
    return this.out;
  }

  private inBase(p: string): string {
    return path.posix.normalize(path.posix.join(this.base || '.', p)).replace(/\/$/, '');
  }

  /** Runs a vars step, turning its failure into an error at the vars item. */
  private vars(step: () => void, where: string, node: Node | null | undefined): void {
    try {
      step();
    } catch (err) {
      if (err instanceof VarsError) this.fail(where, err.message, node);
      throw err;
    }
  }

  /** `vars:` of the file or of a stage; items may not be interpolated. */
  private loadVars(
    ctx: Context,
    node: Node | null | undefined,
    wdir: string,
    where: string,
    stage: string,
  ): void {
    if (!node) return;
    if (!isSeq(node)) this.fail(where, 'expected a list of params files and maps', node);
    node.items.forEach((item, i) => {
      const itemNode = item as Node;
      this.noInterpolation(itemNode, `${where}[${i}]`);
      const value = this.plain(itemNode);
      const source = `${stage ? `${stage}.` : ''}vars[${i}]`;
      if (typeof value === 'string') {
        this.vars(() => ctx.mergeFile(this.root, value, wdir), `${where}[${i}]`, itemNode);
      } else if (isPlainMap(value)) {
        this.vars(() => ctx.merge(value, source), `${where}[${i}]`, itemNode);
      } else {
        this.fail(`${where}[${i}]`, `expected a params file or a map, got ${typeName(value)}`, itemNode);
      }
    });
  }

  private noInterpolation(node: Node, where: string): void {
    const visit = (n: Node) => {
      if (isScalar(n) && typeof n.value === 'string' && findMatches(n.value).length)
        this.fail(where, 'interpolating is not allowed in vars', n);
      if (isMap(n))
        for (const p of n.items) {
          visit(p.key as Node);
          if (p.value) visit(p.value as Node);
        }
      if (isSeq(n)) n.items.forEach((x) => visit(x as Node));
    };
    visit(node);
  }

  /** The node as data, with no interpolation (whole-valued floats marked). */
  private plain(node: Node | null | undefined): unknown {
    if (!node) return null;
    if (isAlias(node)) return this.plain(node.resolve(this.doc) as Node);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const p of node.items)
        setOwn(out, isScalar(p.key) ? String(p.key.value) : String(p.key), this.plain(p.value as Node));
      return out;
    }
    if (isSeq(node)) return node.items.map((n) => this.plain(n as Node));
    if (isScalar(node)) return this.scalar(node.value, node.source);
    return null;
  }

  private scalar(v: unknown, source: string | undefined): unknown {
    if (typeof v === 'number' && /[.eE]/.test(source ?? '') && !/^[-+]?0[xXoO]/.test(source ?? ''))
      return pyFloat(v);
    return v;
  }

  /** Resolves a template node; `field` is the stage field it belongs to (null where anything goes). */
  private value(ctx: Context, node: Node | null | undefined, field: string | null, where: string): unknown {
    if (!node) return null;
    if (isAlias(node)) return this.value(ctx, node.resolve(this.doc) as Node, field, where);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const p of node.items) {
        const rawKey = isScalar(p.key) ? String(p.key.value) : String(p.key);
        const key = this.value(ctx, p.key as Node, field, where);
        setOwn(
          out,
          typeof key === 'string' ? key : toStr(key, this.parsing),
          this.value(ctx, p.value as Node, field, `${where}.${rawKey}`),
        );
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((n, i) => this.value(ctx, n as Node, field, `${where}[${i}]`));
    if (isScalar(node)) {
      if (typeof node.value !== 'string') return this.scalar(node.value, node.source);
      try {
        return resolveString(node.value, ctx.data, field, this.parsing);
      } catch (err) {
        if (err instanceof TemplateError)
          this.fail(where, err.message, node, this.offsetOf(node, node.value, err.offset));
        throw err;
      }
    }
    return null;
  }

  /** Where, inside the file, the character at `offset` of a scalar's value sits (quotes and escapes allowed for). */
  private offsetOf(node: Node, value: string, offset: number): number {
    if (!node.range) return 0;
    const src = this.text.slice(node.range[0], node.range[1]);
    const m = findMatches(value).find((x) => x.index <= offset && offset < x.index + x.text.length);
    const needle = m ? m.text : value.slice(offset, offset + 2);
    const at = src.indexOf(needle);
    return at >= 0 ? at + (m ? offset - m.index : 0) : 0;
  }

  private stage(ctx: Context, name: string, keyNode: Node, def: Node | null): void {
    const where = `stages.${name}`;
    const problem = nameProblem(name, { anyCharacters: true });
    if (problem) this.fail(where, problem, keyNode);
    if (!isMap(def)) this.fail(where, 'expected a map with cmd (or foreach … do, or matrix)', def ?? keyNode);
    const location = this.at(keyNode);
    if (def.has('matrix')) {
      if (def.has('foreach') || def.has('do'))
        this.fail(where, 'matrix cannot be combined with foreach/do', def);
      this.matrix(ctx, name, def, location);
    } else if (def.has('foreach') || def.has('do')) {
      const extra = def.items
        .map((p) => String(isScalar(p.key) ? p.key.value : p.key))
        .filter((k) => k !== 'foreach' && k !== 'do');
      if (!def.has('foreach') || !def.has('do'))
        this.fail(where, 'foreach needs a do: section (and do a foreach:)', def);
      if (extra.length)
        this.fail(where, `a foreach stage has only foreach and do, not ${extra.join(', ')}`, def);
      this.foreach(ctx, name, def, location);
    } else {
      this.entry(ctx, name, def, location);
    }
  }

  private foreach(ctx: Context, name: string, def: YAMLMap, location: ErrorLocation): void {
    const dataNode = def.get('foreach', true) as Node;
    const data = this.value(ctx, dataNode, null, `stages.${name}.foreach`);
    const doNode = def.get('do', true) as Node;
    if (!isMap(doNode)) this.fail(`stages.${name}.do`, 'expected a map with cmd', doNode ?? def);
    let members: [string, unknown][];
    if (isPlainMap(data)) members = Object.entries(data);
    else if (Array.isArray(data)) {
      // Simple values name their stage; a list of lists or maps is named by index.
      const composite = data.some((v) => Array.isArray(v) || isPlainMap(v));
      members = data.map((v, i) => [composite ? String(i) : toStr(v, this.parsing), v]);
    } else {
      this.fail(`stages.${name}.foreach`, `expected a list or a map, got ${typeName(data)}`, dataNode);
    }
    const byKey = new Map(members);
    for (const [key, item] of byKey) {
      const member = ctx.clone();
      member.setReserved(isPlainMap(data) ? { item, key } : { item });
      this.entry(member, `${name}@${key}`, doNode, location);
    }
  }

  private matrix(ctx: Context, name: string, def: YAMLMap, location: ErrorLocation): void {
    const matrixNode = def.get('matrix', true) as Node;
    if (!isMap(matrixNode)) this.fail(`stages.${name}.matrix`, 'expected a map of lists', matrixNode);
    const axes: [string, unknown[]][] = [];
    for (const p of matrixNode.items) {
      const axis = String(isScalar(p.key) ? p.key.value : p.key);
      const values = this.value(ctx, p.value as Node, null, `stages.${name}.matrix.${axis}`);
      if (!Array.isArray(values))
        this.fail(
          `stages.${name}.matrix.${axis}`,
          `expected a list, got ${typeName(values)}`,
          p.value as Node,
        );
      axes.push([axis, values]);
    }
    let combos: { key: string[]; item: Record<string, unknown> }[] = [{ key: [], item: {} }];
    for (const [axis, values] of axes) {
      combos = combos.flatMap((c) =>
        values.map((v, i) => ({
          key: [...c.key, Array.isArray(v) || isPlainMap(v) ? `${axis}${i}` : toStr(v, this.parsing)],
          item: { ...c.item, [axis]: v },
        })),
      );
    }
    const template = def.clone() as YAMLMap;
    template.delete('matrix');
    const byKey = new Map(combos.map((c) => [c.key.join('-'), c.item]));
    for (const [key, item] of byKey) {
      const member = ctx.clone();
      member.setReserved({ key, item });
      this.entry(member, `${name}@${key}`, template, location, def);
    }
  }

  private entry(
    ctx: Context,
    name: string,
    def: YAMLMap,
    location: ErrorLocation,
    positions: YAMLMap = def,
  ): void {
    const problem = nameProblem(name, { anyCharacters: true });
    if (problem) this.fail(`stages.${name}`, problem, def);
    if (Object.hasOwn(this.out.stages, name))
      this.fail(`stages.${name}`, `the stage name ${name} is defined twice`, def);
    const where = `stages.${name}`;
    const wdirNode = def.get('wdir', true) as Node | undefined;
    let wdir = this.base;
    if (wdirNode) {
      const w = this.value(ctx, wdirNode, 'wdir', `${where}.wdir`);
      wdir = path.posix.join(this.base, toStr(w, this.parsing));
    }
    const varsNode = def.get('vars', true) as Node | undefined;
    let local = ctx;
    if (varsNode) {
      local = ctx.clone();
      this.loadVars(local, varsNode, wdir, `${where}.vars`, name);
    }
    const resolved: Record<string, unknown> = {};
    for (const p of def.items) {
      const field = String(isScalar(p.key) ? p.key.value : p.key);
      if (field === 'vars') continue;
      setOwn(resolved, field, unwrapPy(this.value(local, p.value as Node, field, `${where}.${field}`)));
    }
    if (resolved.wdir !== undefined || this.base) resolved.wdir = wdir || '.';
    const parsed = stageSchema.safeParse(resolved);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? issue.path.join('.') : '(stage)';
      this.fail(
        `${where}.${field}`,
        issue.message,
        this.nodeAt(positions, issue.path as (string | number)[]),
      );
    }
    // Paths are checked once interpolated: `${dir}/x` may leave the project only after resolution.
    const outside = stagePathIssues(parsed.data)[0];
    if (outside) {
      this.fail(
        `${where}.${outside.path.join('.')}`,
        outside.message,
        this.nodeAt(positions, outside.path, outside.atKey),
      );
    }
    // DVC addresses a stage of a dvc.yaml in a subfolder as sub/dvc.yaml:name.
    const full = this.base ? `${this.base}/dvc.yaml:${name}` : name;
    setOwn(this.out.stages, full, parsed.data);
    this.out.locations[full] = location;
    this.out.locks[full] = { dir: this.base, name };
  }

  /** The deepest template node on the path (a key that was interpolated ends the walk). */
  private nodeAt(node: Node, steps: (string | number)[], atKey = false): Node {
    let cur: Node = node;
    for (const [i, step] of steps.entries()) {
      let next: unknown;
      if (isMap(cur)) {
        const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        next = atKey && i === steps.length - 1 ? pair?.key : pair?.value;
      } else if (isSeq(cur) && typeof step === 'number') next = cur.items[step];
      if (!next) break;
      cur = next as Node;
    }
    return cur;
  }
}

/** Top-level plots are paths, or `{id: {x, y}}` where y may map files to columns (DVC's plots reference). */
export function plotPaths(p: unknown): string[] {
  if (typeof p === 'string') return [p];
  if (typeof p !== 'object' || p === null) return [];
  return Object.entries(p).flatMap(([id, def]) => {
    const y = (def as { y?: unknown } | null)?.y;
    return typeof y === 'object' && y !== null && !Array.isArray(y) ? Object.keys(y) : [id];
  });
}
