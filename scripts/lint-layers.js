#!/usr/bin/env node
// Enforces the layering of docs/architecture.md, as a build failure rather than a hope:
//   renderer/        imports nothing from electron/ and no Node built-in
//   shared/          imports no Node built-in and no Electron; uses no DOM globals (checked by tsconfig.shared.json)
//   electron/core, electron/host, electron/cli   never import 'electron'
//   electron/cli/ (but its door api.ts and main.ts) never imports electron/core/: commands make contract calls
//   and no import cycle runs at load time (type imports and import() aside), and no module is
//   imported only for its side effects (registration belongs where things are composed)
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*['"]([^'"]+)['"]|(?:^|[^.\w])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') yield* sourceFiles(p);
    } else if (SOURCE.test(e.name)) yield p;
  }
}

function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * Every import of a file. `typeOnly`: erased by the compiler (`import type`, `export type`), so it
 * loads nothing; `lazy`: a dynamic import(), loaded after the importer has run; `bare`: imported for
 * its side effects only (`import './x.js'`).
 */
export function importsOf(text) {
  const out = [];
  const clean = stripComments(text);
  for (const m of clean.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const line = clean.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
    const typeOnly = /^[^\w]?\s*(?:import|export)\s+type\s/.test(m[0]);
    out.push({ spec, line, typeOnly, lazy: m[3] !== undefined, bare: m[2] !== undefined });
  }
  return out;
}

/** The file a relative specifier loads: sources are TypeScript, imported by their .js name. */
function resolveSource(file, spec) {
  if (!spec.startsWith('.')) return null;
  const target = path.resolve(path.dirname(file), spec);
  const stem = target.replace(/\.(js|jsx|mjs)$/, '');
  for (const candidate of [target, `${stem}.ts`, `${stem}.tsx`, path.join(target, 'index.ts')])
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return null;
}

/**
 * Import cycles that run at load time: module A imports B imports A, so one of them runs while the
 * other is half-initialised, and which one depends on who was imported first. Type imports and
 * dynamic import() do not count. Returns one line per cycle, "a -> b -> a".
 */
export function importCycles(root, dirs = ['electron', 'shared', 'renderer']) {
  const graph = new Map();
  for (const dir of dirs)
    for (const file of sourceFiles(path.join(root, dir))) {
      const deps = importsOf(fs.readFileSync(file, 'utf8'))
        .filter((i) => !i.typeOnly && !i.lazy)
        .map((i) => resolveSource(file, i.spec))
        .filter((d) => d !== null);
      graph.set(file, [...new Set(deps)]);
    }
  // Tarjan's strongly connected components: every component of more than one file holds a cycle.
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(cyclePath(graph, component));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.map((c) => c.map((f) => path.relative(root, f)).join(' -> '));
}

/** One shortest loop from the component's first file back to itself, for the message. */
function cyclePath(graph, component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const loop = [start];
        for (let u = v; u !== start; u = parent.get(u)) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (members.has(w) && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

const isElectron = (spec) => spec === 'electron' || spec.startsWith('electron/');
const isBuiltin = (spec) => builtins.has(spec) || spec.startsWith('node:');

/** Returns every layering violation under root as "file:line: reason". */
export function lintLayers(root) {
  const problems = [];
  const rules = [
    {
      dir: 'renderer',
      check: (spec, file) =>
        isBuiltin(spec)
          ? `renderer/ must not import the Node built-in "${spec}"`
          : resolvesInto(file, spec, path.join(root, 'electron'))
            ? `renderer/ must not import from electron/ ("${spec}"); go through the Api`
            : isElectron(spec)
              ? 'renderer/ must not import electron'
              : null,
    },
    {
      dir: 'shared',
      check: (spec, file) =>
        isBuiltin(spec)
          ? `shared/ must not import the Node built-in "${spec}"`
          : isElectron(spec)
            ? 'shared/ must not import electron'
            : resolvesOutside(file, spec, path.join(root, 'shared'))
              ? `shared/ must not import outside shared/ ("${spec}")`
              : null,
    },
    {
      // The CLI's door (api.ts) and its entry (main.ts, for --version) are the only ways in.
      dir: 'electron/cli',
      check: (spec, file) =>
        !['api.ts', 'main.ts'].includes(path.relative(path.join(root, 'electron', 'cli'), file)) &&
        resolvesInto(file, spec, path.join(root, 'electron', 'core'))
          ? `a CLI command reaches the engine through the contract (electron/cli/api.ts), not electron/core/ ("${spec}")`
          : null,
    },
    ...['electron/core', 'electron/host', 'electron/cli'].map((dir) => ({
      dir,
      check: (spec) =>
        isElectron(spec) ? `${dir}/ must stay plain Node: it may not import "${spec}"` : null,
    })),
  ];
  for (const rule of rules) {
    for (const file of sourceFiles(path.join(root, rule.dir))) {
      for (const { spec, line } of importsOf(fs.readFileSync(file, 'utf8'))) {
        const reason = rule.check(spec, file);
        if (reason) problems.push(`${path.relative(root, file)}:${line}: ${reason}`);
      }
    }
  }
  // A module that registers itself when imported works only while someone remembers to import it:
  // what a host composes is listed where it is composed (electron/core/services.ts, handlers/index.ts).
  for (const dir of ['electron', 'shared', 'renderer'])
    for (const file of sourceFiles(path.join(root, dir)))
      for (const { spec, line, bare } of importsOf(fs.readFileSync(file, 'utf8')))
        if (bare && resolveSource(file, spec) && /\.tsx?$/.test(resolveSource(file, spec)))
          problems.push(
            `${path.relative(root, file)}:${line}: "${spec}" is imported for its side effects; list what it registers where it is composed`,
          );
  for (const cycle of importCycles(root)) problems.push(`import cycle: ${cycle}`);
  return problems;
}

function resolvesInto(file, spec, dir) {
  if (!spec.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), spec);
  return target === dir || target.startsWith(dir + path.sep);
}

function resolvesOutside(file, spec, dir) {
  if (!spec.startsWith('.')) return false;
  return !resolvesInto(file, spec, dir);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const problems = lintLayers(root);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`lint-layers: ${problems.length} layering violation(s); see docs/architecture.md`);
    process.exit(1);
  }
  console.log('lint-layers: renderer, shared and electron/core keep their layers');
}
