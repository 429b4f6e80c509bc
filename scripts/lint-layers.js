#!/usr/bin/env node
// Enforces the layering of design.md, as a build failure rather than a hope:
//   renderer/        imports nothing from electron/ and no Node built-in
//   shared/          imports no Node built-in and no Electron; uses no DOM globals (checked by tsconfig.shared.json)
//   electron/core, electron/host, electron/cli   never import 'electron'
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

export function importsOf(text) {
  const out = [];
  const clean = stripComments(text);
  for (const m of clean.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const line = clean.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
    out.push({ spec, line });
  }
  return out;
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
    console.error(`lint-layers: ${problems.length} layering violation(s); see ../shared/design.md`);
    process.exit(1);
  }
  console.log('lint-layers: renderer, shared and electron/core keep their layers');
}
