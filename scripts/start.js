#!/usr/bin/env node
// `npm start` (after scripts/build-if-stale.js): the desktop app on the bundled example project, or, where the
// Electron runtime was never downloaded, the browser UI on the same project, said in one line.
//   node scripts/start.js [project-dir] [strata ui flags, e.g. --no-open --port 0]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'out', 'electron', 'core', 'engine.js');
if (!fs.existsSync(built)) {
  console.error(`start: Strata is not built (${built} is missing). Run \`npm run build\` first.`);
  process.exit(1);
}

/** The Electron executable, or null where its postinstall download was skipped or failed. */
function electronBinary() {
  try {
    const bin = createRequire(import.meta.url)('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    // "Electron failed to install correctly…": the binary was never fetched.
    return null;
  }
}

/** The user's own copy of the bundled example, made through the engine's app.openExample call. */
async function exampleProject() {
  const { Engine } = await import(pathToFileURL(built).href);
  const engine = new Engine();
  try {
    return (await engine.invoke('app.openExample', {})).root;
  } finally {
    engine.dispose();
  }
}

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && !first.startsWith('-');
const flags = named ? rest : process.argv.slice(2);
let project;
try {
  project = named ? path.resolve(first) : await exampleProject();
  if (!named) console.log(`start: opening the example project, your own copy in ${project}`);
} catch (err) {
  console.error(`start: ${err.message}`);
  process.exit(1);
}

/**
 * Inside Electron the engine loads better-sqlite3 from build/electron-native (or STRATA_SQLITE_BINDING):
 * made once, and again after an Electron or better-sqlite3 upgrade; otherwise the script says it is up to date.
 */
function ensureElectronSqlite() {
  if (process.env.STRATA_SQLITE_BINDING) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-electron-native.js')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(1);
}

const electron = electronBinary();
let child;
// Installed before the spawn: a busy machine may run the child well before this process gets the CPU
// back, and a stop signal in that gap must reach the child rather than orphan it.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => (child ? child.kill(signal) : process.exit(1)));
if (electron) {
  ensureElectronSqlite();
  const env = { ...process.env };
  // Set by some tools to make Electron behave as plain Node, which would skip the whole app.
  delete env.ELECTRON_RUN_AS_NODE;
  child = spawn(electron, [root, project], { stdio: 'inherit', env });
} else {
  console.log(
    'Electron runtime not installed (download skipped): run `node node_modules/electron/install.js` on a machine with internet. Opening the browser UI instead.',
  );
  child = spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), 'ui', project, ...flags], {
    stdio: 'inherit',
  });
}
child.on('error', (err) => {
  console.error(`start: cannot launch ${electron ?? 'the browser UI'}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
