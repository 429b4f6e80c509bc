#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into build/electron-native/better_sqlite3.node, which the
// engine loads through better-sqlite3's `nativeBinding` option when it runs inside Electron. The build
// happens in a temporary copy of the package, so node_modules/better-sqlite3/build (the Node build the
// CLI, the browser host and the tests use) is never touched. node-gyp fetches Electron's headers: this
// needs internet, and says so in one line when it has none.
//
//   node scripts/build-electron-native.js [--target <electron version>] [--arch <arch>] [--dist-url <headers URL>] [--force]
//
// Its default export is electron-builder's beforePack hook (see electron-builder.yml).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const outDir = path.join(root, 'build', 'electron-native');
const DEFAULT_DIST_URL = 'https://electronjs.org/headers';

class BuildError extends Error {}

function packageVersion(name) {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
}

function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm ships its own copy next to itself.
    const bundled = path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
    if (fs.existsSync(bundled)) return bundled;
    throw new BuildError('node-gyp not found: install it with `npm install -g node-gyp`.');
  }
}

/** Fails fast, in one line, where node-gyp would otherwise print a long download stack trace. */
async function requireHeaders(distUrl, target) {
  const url = `${distUrl.replace(/\/$/, '')}/v${target}/SHASUMS256.txt`;
  let res;
  try {
    res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(15000) });
  } catch (err) {
    const reason = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new BuildError(
      `cannot reach ${url} (${reason}): building better-sqlite3 for Electron needs internet to fetch Electron's headers; run this on a machine that has it.`,
    );
  }
  if (!res.ok)
    throw new BuildError(`Electron ${target} headers are not available at ${url} (HTTP ${res.status}).`);
}

function stampFor(target, arch) {
  return {
    electron: target,
    arch,
    platform: process.platform,
    betterSqlite3: packageVersion('better-sqlite3'),
  };
}

function upToDate(stamp) {
  try {
    const old = JSON.parse(fs.readFileSync(path.join(outDir, 'target.json'), 'utf8'));
    return (
      fs.existsSync(path.join(outDir, 'better_sqlite3.node')) &&
      Object.entries(stamp).every(([k, v]) => old[k] === v)
    );
  } catch {
    return false;
  }
}

export async function buildElectronNative({
  target = packageVersion('electron'),
  arch = process.arch,
  distUrl = DEFAULT_DIST_URL,
  force = false,
  log = console.log,
} = {}) {
  const stamp = stampFor(target, arch);
  if (!force && upToDate(stamp)) {
    log(
      `build-electron-native: ${path.relative(root, outDir)} is up to date (Electron ${target}, ${process.platform}-${arch}).`,
    );
    return;
  }
  await requireHeaders(distUrl, target);
  const gyp = nodeGyp();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-sqlite-electron-'));
  try {
    const src = path.dirname(require.resolve('better-sqlite3/package.json'));
    const pkg = path.join(work, 'better-sqlite3');
    fs.cpSync(src, pkg, { recursive: true, filter: (p) => p !== path.join(src, 'build') });
    log(
      `build-electron-native: compiling better-sqlite3 ${stamp.betterSqlite3} for Electron ${target} (${process.platform}-${arch}); this takes a minute or two.`,
    );
    const devdir = path.join(os.homedir(), '.electron-gyp');
    const r = spawnSync(
      process.execPath,
      [
        gyp,
        'rebuild',
        '--release',
        `--target=${target}`,
        `--arch=${arch}`,
        `--dist-url=${distUrl}`,
        `--devdir=${devdir}`,
      ],
      {
        cwd: pkg,
        stdio: 'inherit',
      },
    );
    if (r.status !== 0)
      throw new BuildError(
        `node-gyp failed (${r.error?.message ?? `exit ${r.status}`}); its output is above.`,
      );
    const built = path.join(pkg, 'build', 'Release', 'better_sqlite3.node');
    if (!fs.existsSync(built)) throw new BuildError(`node-gyp succeeded but ${built} is missing.`);
    fs.mkdirSync(outDir, { recursive: true });
    const dest = path.join(outDir, 'better_sqlite3.node');
    fs.copyFileSync(built, `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
    fs.writeFileSync(path.join(outDir, 'target.json'), JSON.stringify(stamp, null, 2) + '\n');
    log(`build-electron-native: wrote ${path.relative(root, dest)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// electron-builder's Arch enum (builder-util): the hook gets a number.
const ARCHES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** electron-builder beforePack hook: builds for the platform and arch being packaged. */
export default async function beforePack(context) {
  const arch = ARCHES[context.arch];
  if (!arch || arch === 'universal')
    throw new BuildError(
      `cannot build for arch ${String(context.arch)}; package one architecture at a time.`,
    );
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  if (platform !== process.platform) {
    throw new BuildError(
      `better-sqlite3 is a native module and cannot be cross-compiled: package for ${platform} on ${platform} (this is ${process.platform}).`,
    );
  }
  await buildElectronNative({ arch });
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new BuildError(`${a} needs a value`);
      return v;
    };
    if (a === '--target') opts.target = value();
    else if (a === '--arch') opts.arch = value();
    else if (a === '--dist-url') opts.distUrl = value();
    else if (a === '--force') opts.force = true;
    else
      throw new BuildError(
        `unknown option ${a} (usage: node scripts/build-electron-native.js [--target <electron version>] [--arch <arch>] [--dist-url <url>] [--force])`,
      );
  }
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // No top-level await: electron-builder require()s this file for its hook, and require() refuses async modules.
  Promise.resolve()
    .then(() => buildElectronNative(parseArgs(process.argv.slice(2))))
    .catch((err) => {
      console.error(err instanceof BuildError ? `build-electron-native: ${err.message}` : err);
      process.exit(1);
    });
}
